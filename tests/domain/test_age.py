"""RULES §2: age and adulthood, by the calendar date in Europe/Riga."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.age import adulthood_date, anniversary, is_adult, known_birth_date, riga_date
from tests.domain.reference import code, is_adult_reference

ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Summer time, UTC+3: Riga midnight is 21:00 UTC.
        (datetime(2025, 6, 30, 20, 59, 59, tzinfo=UTC), date(2025, 6, 30)),
        (datetime(2025, 6, 30, 21, 0, tzinfo=UTC), date(2025, 7, 1)),
        (datetime(2025, 6, 30, 21, 30, tzinfo=UTC), date(2025, 7, 1)),
        # Winter time, UTC+2: Riga midnight is 22:00 UTC.
        (datetime(2025, 1, 31, 21, 30, tzinfo=UTC), date(2025, 1, 31)),
        (datetime(2025, 1, 31, 21, 59, 59, tzinfo=UTC), date(2025, 1, 31)),
        (datetime(2025, 1, 31, 22, 0, tzinfo=UTC), date(2025, 2, 1)),
        # Other offsets are converted, not read as wall time.
        (datetime(2025, 7, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))), date(2025, 6, 30)),
        (datetime(2025, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=-2))), date(2025, 7, 1)),
    ],
)
def test_riga_date(instant: datetime, expected: date) -> None:
    assert riga_date(instant) == expected


def test_riga_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        riga_date(datetime(2025, 6, 30, 21, 30))


def test_adult_just_after_riga_midnight_of_the_18th_birthday() -> None:
    birth = date(2007, 7, 1)
    assert not is_adult(birth, riga_date(datetime(2025, 6, 30, 20, 59, tzinfo=UTC)))
    assert is_adult(birth, riga_date(datetime(2025, 6, 30, 21, 30, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("birth", "adult_on"),
    [
        (date(2007, 7, 1), date(2025, 7, 1)),
        (date(2007, 12, 31), date(2025, 12, 31)),
        (date(2008, 1, 1), date(2026, 1, 1)),
        (date(2008, 2, 29), date(2026, 3, 1)),  # 2026 is a common year
        (date(2004, 2, 29), date(2022, 3, 1)),
        (date(1882, 2, 28), date(1900, 2, 28)),
        (date(1882, 3, 1), date(1900, 3, 1)),
    ],
)
def test_adulthood_date_and_the_days_around_it(birth: date, adult_on: date) -> None:
    assert adulthood_date(birth) == adult_on
    assert not is_adult(birth, adult_on - ONE_DAY)
    assert is_adult(birth, adult_on)
    assert is_adult(birth, adult_on + ONE_DAY)


@pytest.mark.parametrize(
    ("birth", "years", "expected"),
    [
        (date(2000, 2, 29), 4, date(2004, 2, 29)),  # leap year: the 29th itself
        (date(2000, 2, 29), 1, date(2001, 3, 1)),  # common year: 1 March
        (date(2000, 2, 29), 100, date(2100, 3, 1)),  # 2100 is not a leap year
        (date(2000, 2, 29), 400, date(2400, 2, 29)),
        (date(2000, 3, 1), 1, date(2001, 3, 1)),
        (date(2000, 2, 28), 1, date(2001, 2, 28)),
    ],
)
def test_anniversary_of_29_february(birth: date, years: int, expected: date) -> None:
    assert anniversary(birth, years) == expected


def test_born_29_february_is_a_minor_on_28_february_of_the_18th_year() -> None:
    assert not is_adult(date(2008, 2, 29), date(2026, 2, 28))
    assert is_adult(date(2008, 2, 29), date(2026, 3, 1))


def test_declared_of_age_makes_a_minor_adult() -> None:
    birth, on = date(2010, 5, 15), date(2025, 3, 1)
    assert not is_adult(birth, on)
    assert is_adult(birth, on, declared_of_age=True)


def test_declared_of_age_without_a_birth_date_is_adult() -> None:
    assert is_adult(None, date(2025, 3, 1), declared_of_age=True)


def test_unknown_birth_date_is_not_adult() -> None:
    assert not is_adult(None, date(2025, 3, 1))
    assert not is_adult(None, date(2999, 1, 1))


@pytest.mark.parametrize(
    ("raw", "register", "expected"),
    [
        # The register's date wins over the code's when it answered.
        ("010108-21238", date(2008, 1, 2), date(2008, 1, 2)),
        ("010108-21238", None, date(2008, 1, 1)),
        ("150372-11111", None, date(1972, 3, 15)),
        ("32000000000", date(2019, 4, 5), date(2019, 4, 5)),
        ("32000000000", None, None),  # new format, no register answer: unknown
    ],
)
def test_known_birth_date(raw: str, register: date | None, expected: date | None) -> None:
    assert known_birth_date(code(raw), register) == expected


def test_new_code_without_register_answer_is_not_adult() -> None:
    assert not is_adult(known_birth_date(code("39123456789"), None), date(2099, 1, 1))


birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2199, 12, 31))


@given(birth=birth_dates)
def test_adult_from_adulthood_date_not_a_day_before(birth: date) -> None:
    first = adulthood_date(birth)
    assert not is_adult(birth, first - ONE_DAY)
    assert is_adult(birth, first)
    # The 18th birthday, or 1 March for 29 February: never earlier, at most one day later.
    assert first.year == birth.year + 18
    assert (first.month, first.day) in ((birth.month, birth.day), (3, 1))


@given(birth=birth_dates, on=st.dates(min_value=date(1800, 1, 1), max_value=date(2299, 12, 31)))
def test_is_adult_agrees_with_counting_completed_years(birth: date, on: date) -> None:
    assert is_adult(birth, on) == is_adult_reference(birth, on)


@given(birth=st.none() | birth_dates, on=st.dates(), declared=st.booleans())
def test_declared_of_age_and_unknown_birth(birth: date | None, on: date, declared: bool) -> None:
    expected = is_adult_reference(birth, on, declared_of_age=declared)
    assert is_adult(birth, on, declared_of_age=declared) == expected
