"""RULES §1: personal codes and the X-Road ``userId``."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gateway.domain.personal_code import (
    PersonalCode,
    check_digit,
    parse_personal_code,
    parse_user_id,
)
from gateway.errors import InvalidPersonalCode
from tests.domain.reference import (
    ASCII_DIGITS,
    new_codes,
    old_birth_dates,
    old_code,
    old_codes,
    reference_check_digit,
    serials,
)

# Check digits below were computed by hand from ((1101 − Σ wᵢ·dᵢ) mod 11) mod 10.
VALID_OLD = [
    ("010108-21238", date(2008, 1, 1)),
    ("010105-12347", date(1905, 1, 1)),  # century digit 1: 1900s
    ("150372-11111", date(1972, 3, 15)),
    ("010105-01234", date(1805, 1, 1)),  # century digit 0: 1800s
    ("010105-21235", date(2005, 1, 1)),  # century digit 2: 2000s
    ("290200-23453", date(2000, 2, 29)),  # 2000 is a leap year
    ("290296-12342", date(1996, 2, 29)),
    ("290296-23455", date(2096, 2, 29)),
    ("290204-12344", date(1904, 2, 29)),
    ("311299-12345", date(1999, 12, 31)),
    ("300105-12340", date(1905, 1, 30)),  # starts with 30: old format
    ("310105-12344", date(1905, 1, 31)),  # starts with 31: old format
    ("300417-12344", date(1917, 4, 30)),
]


@pytest.mark.parametrize(("raw", "birth"), VALID_OLD)
@pytest.mark.parametrize("hyphen", [True, False], ids=["hyphen", "no-hyphen"])
def test_valid_old_codes_are_accepted(raw: str, birth: date, hyphen: bool) -> None:
    written = raw if hyphen else raw.replace("-", "")
    parsed = parse_personal_code(written)
    assert parsed.digits == raw.replace("-", "")
    assert parsed.birth_date == birth
    assert not parsed.is_new_format
    assert parsed.display == raw


def test_written_forms_compare_equal() -> None:
    assert parse_personal_code("010105-12347") == parse_personal_code("01010512347")


@pytest.mark.parametrize(
    ("first_ten", "expected"), [(r[:6] + r[7:11], r[-1]) for r, _ in VALID_OLD]
)
def test_check_digit_matches_the_formula(first_ten: str, expected: str) -> None:
    assert reference_check_digit(first_ten) == expected
    assert str(check_digit(first_ten)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "010105-12340",  # valid is 7
        "010105-12348",
        "010108-21239",  # valid is 8
        "150372-11112",  # valid is 1
        "300105-12341",  # 30… is old format: check digit enforced
        "310105-12345",  # 31… is old format: check digit enforced
    ],
)
def test_wrong_check_digit_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("310405-12345", "31 April"),
        ("300205-12343", "30 February"),
        ("290205-12345", "29 February 1905, a common year"),
        ("290200-01115", "29 February 1800, not a leap year"),
        ("290200-11110", "29 February 1900, not a leap year"),
        ("000000-12344", "day and month zero"),
        ("011305-12341", "month 13"),
        ("010005-12343", "month zero"),
        ("010105-32348", "century digit 3"),
        ("010105-92340", "century digit 9"),
    ],
)
def test_impossible_dates_and_centuries_are_refused(raw: str, why: str) -> None:
    # Each code carries the right check digit, so only the date can be at fault.
    assert reference_check_digit(raw[:6] + raw[7:11]) == raw[-1], why
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw)


@pytest.mark.parametrize(
    "raw", ["32000000000", "32999999999", "39123456789", "321234-56789", "33333333333"]
)
def test_new_format_is_accepted_without_check_digit(raw: str) -> None:
    parsed = parse_personal_code(raw)
    assert parsed.is_new_format
    assert parsed.birth_date is None
    assert parsed.digits == raw.replace("-", "")


FULLWIDTH = "０１０１０５１２３４７"
ARABIC_INDIC = "٠١٠١٠٥١٢٣٤٧"


@pytest.mark.parametrize(
    "raw",
    [
        FULLWIDTH,
        ARABIC_INDIC,
        "0101051234٧",  # one Arabic-Indic seven
        "۰۱۰۱۰۵۱۲۳۴۷",  # extended Arabic-Indic
        "०१०१०५१२३४७",  # Devanagari
        "𝟎𝟏𝟎𝟏𝟎𝟓𝟏𝟐𝟑𝟒𝟕",  # mathematical bold
        "³2000000000",  # superscript three
        " 01010512347",
        "01010512347 ",
        "010105 12347",
        "010105 -12347",
        "01010512347\n",
        "\n01010512347",
        "01010512347\r\n",
        "\t01010512347",
        "010105\u00a012347",  # no-break space
        "010105\u200b12347",  # zero-width space
        "\u200b01010512347",
        "01010512347\u200d",  # zero-width joiner
        "\ufeff01010512347",  # byte-order mark
        "010105\u201012347",  # Unicode hyphen
        "010105\u221212347",  # minus sign
        "+01010512347",
        "-01010512347",
        "01010512347-",
        "010105+12347",
        "010105_12347",
        "01_010512347",
        "010105--12347",
        "0101-05-12347",
        "0101051234",  # 10 digits
        "010105123470",  # 12 digits
        "010105-1234",
        "010105-123470",
        "3200000000",  # new format, 10 digits
        "320000000000",  # new format, 12 digits
        "",
        "-",
        "0101O512347",  # letter O
        "01010512347\x00",
    ],
)
def test_malformed_text_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw)


@pytest.mark.parametrize("position", [p for p in range(1, 11) if p != 6])
def test_hyphen_anywhere_but_after_the_sixth_digit_is_refused(position: int) -> None:
    digits = "01010512347"
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(digits[:position] + "-" + digits[position:])


@pytest.mark.parametrize("value", [None, 1010512347, 10105.12347, b"01010512347", ["01010512347"]])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("LV01010512347", "01010512347"),
        ("LV01010821238", "01010821238"),
        ("LV32000000000", "32000000000"),
    ],
)
def test_user_id_is_lv_and_a_valid_code(raw: str, digits: str) -> None:
    assert parse_user_id(raw).digits == digits


@pytest.mark.parametrize(
    "raw",
    [
        "01010512347",  # no prefix
        "EE01010512347",
        "LT01010512347",
        "lv01010512347",
        "Lv01010512347",
        "LV",
        "LV01010512340",  # wrong check digit
        "LV290205-12345",  # impossible date
        "LV" + FULLWIDTH,
        "ＬＶ01010512347",
        " LV01010512347",
        "LV 01010512347",
        "LV01010512347 ",
        "LV01010512347\n",
        "LV-01010512347",
        "LVLV01010512347",
        "LV010105123470",
        "EE:LV01010512347",
        "",
    ],
)
def test_malformed_user_id_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_user_id(raw)


@pytest.mark.parametrize("value", [None, 1010512347, b"LV01010512347"])
def test_non_text_user_id_is_refused(value: object) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_user_id(value)  # type: ignore[arg-type]


@given(birth=old_birth_dates, serial=serials, hyphen=st.booleans())
def test_any_valid_old_code_round_trips(birth: date, serial: str, hyphen: bool) -> None:
    raw = old_code(birth, serial, hyphen=hyphen)
    parsed = parse_personal_code(raw)
    assert parsed.digits == raw.replace("-", "")
    assert parsed.birth_date == birth
    assert parse_personal_code(parsed.display) == parsed
    assert parse_user_id("LV" + parsed.digits) == parsed


@given(raw=old_codes, wrong=st.sampled_from(ASCII_DIGITS))
def test_any_other_check_digit_is_refused(raw: str, wrong: str) -> None:
    assume(wrong != raw[-1])
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw[:-1] + wrong)


@given(first_ten=st.text(alphabet=ASCII_DIGITS, min_size=10, max_size=10))
def test_check_digit_agrees_with_the_reference(first_ten: str) -> None:
    assert str(check_digit(first_ten)) == reference_check_digit(first_ten)


@given(raw=new_codes)
def test_any_new_format_code_is_accepted(raw: str) -> None:
    parsed = parse_personal_code(raw)
    assert parsed.digits == raw
    assert parsed.is_new_format
    assert parsed.birth_date is None


# Every non-ASCII decimal digit Unicode knows, by its value.
_OTHER_SCRIPT_DIGITS: dict[int, list[str]] = {v: [] for v in range(10)}
for _c in map(chr, range(0x80, 0x110000)):
    if unicodedata.category(_c) == "Nd":
        _OTHER_SCRIPT_DIGITS[unicodedata.digit(_c)].append(_c)


@given(raw=st.one_of(old_codes, new_codes), index=st.integers(0, 10), data=st.data())
def test_a_non_ascii_digit_anywhere_is_refused(raw: str, index: int, data: st.DataObject) -> None:
    # The same digit value in another script: int() would accept it, the rule does not.
    value = int(raw[index])
    twin = data.draw(st.sampled_from(_OTHER_SCRIPT_DIGITS[value]))
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw[:index] + twin + raw[index + 1 :])


@given(raw=st.one_of(old_codes, new_codes), index=st.integers(0, 11), data=st.data())
def test_any_text_with_a_non_ascii_character_is_refused(
    raw: str, index: int, data: st.DataObject
) -> None:
    extra = data.draw(st.characters(min_codepoint=0x80))
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(raw[:index] + extra + raw[index:])


@given(text=st.text(), extra=st.characters(min_codepoint=0x80), data=st.data())
def test_arbitrary_non_ascii_text_is_refused(text: str, extra: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(text)))
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(text[:index] + extra + text[index:])


@given(raw=st.one_of(old_codes, new_codes))
def test_repr_never_shows_the_whole_code(raw: str) -> None:
    parsed = parse_personal_code(raw)
    for shown in (repr(parsed), repr([parsed]), f"{parsed!r}"):
        assert raw not in shown
        assert parsed.display not in shown
        assert raw[6:] not in shown  # not even the serial and check digit


def test_repr_of_a_hand_made_code_hides_it() -> None:
    assert "01010512347" not in repr(PersonalCode("01010512347"))
