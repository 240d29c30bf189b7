"""Share codes (RULES §14): at least 100 random bits, a short human form without look-alike
characters, read forgivingly; stored only as a keyed hash; a last day at most a year ahead."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date

import pytest

from gateway.domain import shares as codes

LOOK_ALIKES = set("01ILOU")


def test_a_code_has_at_least_100_random_bits_from_an_alphabet_without_look_alikes() -> None:
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 30
    assert not LOOK_ALIKES & set(codes.ALPHABET)
    assert codes.BITS == codes.LENGTH * math.log2(30) >= 100
    made = [codes.new_code() for _ in range(2000)]
    assert all(len(c) == codes.LENGTH and set(c) <= set(codes.ALPHABET) for c in made)
    assert len(set(made)) == len(made)
    # every character of the alphabet is used, roughly evenly (secrets.choice, not a modulo)
    counts = Counter("".join(made))
    expected = len(made) * codes.LENGTH / 30
    assert set(counts) == set(codes.ALPHABET)
    assert all(abs(n - expected) < 0.15 * expected for n in counts.values())


def test_the_human_form_is_three_groups_of_seven_and_reads_back_forgivingly() -> None:
    code = codes.new_code()
    shown = codes.display(code)
    assert re.fullmatch(r"[2-9A-Z]{7}-[2-9A-Z]{7}-[2-9A-Z]{7}", shown)
    for written in (shown, shown.lower(), code, f"  {shown.replace('-', ' ')} ",
                    "-".join(code)):
        assert codes.parse(written) == code


@pytest.mark.parametrize("text", ["", "VPAS2S2-6DEMXSH-ARE7KE", "VPAS2S2-6DEMXSH-ARE7KEYY",
                                  "VPAS2S2-6DEMXSH-ARE7KE0", "VPAS2S2-6DEMXSH-ARE7KEI",
                                  "VPAS2S2_6DEMXSH_ARE7KEY", "VPAS2S2-6DEMXSH-ARE7KE\u0663",
                                  "x" * 10_000])
def test_anything_else_is_no_code(text: str) -> None:
    assert codes.parse(text) is None


def test_only_a_keyed_hash_is_kept_and_it_depends_on_the_key() -> None:
    code = codes.new_code()
    one, two = codes.keyed_hash(b"k" * 32, code), codes.keyed_hash(b"j" * 32, code)
    assert re.fullmatch(r"[0-9a-f]{64}", one) and one != two
    assert code not in one
    assert codes.same_hash(one, codes.keyed_hash(b"k" * 32, code))
    assert not codes.same_hash(one, two)


@pytest.mark.parametrize(("today", "latest"), [
    (date(2026, 11, 28), date(2027, 11, 28)),
    (date(2028, 2, 29), date(2029, 2, 28)),
])
def test_a_share_lasts_at_most_one_year(today: date, latest: date) -> None:
    assert codes.latest_expiry(today) == latest
    assert codes.expiry_allowed(today, today) and codes.expiry_allowed(latest, today)
    assert not codes.expiry_allowed(date.fromordinal(latest.toordinal() + 1), today)
    assert not codes.expiry_allowed(date.fromordinal(today.toordinal() - 1), today)


def test_a_share_is_live_through_its_last_day_unless_revoked() -> None:
    last = date(2027, 6, 30)
    assert codes.live(last, False, last)
    assert not codes.live(last, False, date(2027, 7, 1))
    assert not codes.live(last, True, date(2027, 1, 1))


def test_the_link_fills_in_the_code_and_a_single_number() -> None:
    code = "VPAS2S26DEMXSHARE7KEY"
    one = codes.link("https://eksameni.gov.lv/verify", code, ("2026/345016345164-BIO-1",))
    assert one == ("https://eksameni.gov.lv/verify?number=2026%2F345016345164-BIO-1"
                   "&code=VPAS2S2-6DEMXSH-ARE7KEY")
    two = codes.link("https://eksameni.gov.lv/verify", code, ("2026/1-A", "2026/2-B"))
    assert two == "https://eksameni.gov.lv/verify?code=VPAS2S2-6DEMXSH-ARE7KEY"
    assert codes.certificate_link("https://x/verify", "2026/1-A") == "https://x/verify?number=2026%2F1-A"
