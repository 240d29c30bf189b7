"""Calendar arithmetic behind RULES §5 and §8."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.calendar import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 7, 1), 1, date(2024, 8, 1)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 7, 1), 0, date(2024, 7, 1)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(2024, 1, 31), -13, date(2022, 12, 31)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


days = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31))
month_counts = st.integers(min_value=-1200, max_value=1200)


@given(day=days, months=month_counts)
def test_result_is_in_the_target_month(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months


@given(day=days, months=month_counts)
def test_same_day_number_or_the_last_day_of_a_shorter_month(day: date, months: int) -> None:
    result = add_months(day, months)
    assert result.day <= day.day
    if result.day < day.day:  # clamped: only when the target month is too short
        assert (result + timedelta(days=1)).day == 1
