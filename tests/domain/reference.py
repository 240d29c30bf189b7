"""Independent reference implementations and hypothesis strategies for the domain tests.

Written from RULES §1 and §2 directly, not from ``gateway.domain``, so that a test comparing the
two fails when the gateway drifts from the rules.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from gateway.domain.personal_code import PersonalCode, parse_personal_code

# RULES §1: X = ((1101 − Σ wᵢ·dᵢ) mod 11) mod 10 over the first ten digits.
WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CENTURY_DIGIT = {18: "0", 19: "1", 20: "2"}
ASCII_DIGITS = "0123456789"


def reference_check_digit(first_ten: str) -> str:
    """The old-format check digit of ten ASCII digits, straight from the formula in RULES §1."""
    total = sum(w * int(d) for w, d in zip(WEIGHTS, first_ten, strict=True))
    return str(((1101 - total) % 11) % 10)


def old_code(birth: date, serial: str = "234", *, hyphen: bool = False) -> str:
    """A valid old-format code for ``birth``: ``DDMMYY-CNNNX`` (``serial`` is ``NNN``)."""
    first_ten = f"{birth.day:02d}{birth.month:02d}{birth.year % 100:02d}"
    first_ten += CENTURY_DIGIT[birth.year // 100] + serial
    full = first_ten + reference_check_digit(first_ten)
    return f"{full[:6]}-{full[6:]}" if hyphen else full


def code(raw: str) -> PersonalCode:
    """Shorthand: a parsed personal code that the test knows to be valid."""
    return parse_personal_code(raw)


def is_adult_reference(birth: date | None, on: date, *, declared_of_age: bool = False) -> bool:
    """RULES §2 by counting completed years (29 Feb births: adult on 1 March of a common year)."""
    if declared_of_age:
        return True
    if birth is None:
        return False
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return years >= 18


old_birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31))
serials = st.text(alphabet=ASCII_DIGITS, min_size=3, max_size=3)
old_codes = st.builds(old_code, old_birth_dates, serials)
new_codes = st.builds(
    lambda second, rest: "3" + second + rest,
    st.sampled_from("23456789"),
    st.text(alphabet=ASCII_DIGITS, min_size=9, max_size=9),
)
