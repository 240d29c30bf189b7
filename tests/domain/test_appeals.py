"""RULES §8: appeal deadlines and who may appeal."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.appeals import (
    AppellantRole,
    appeal_deadline,
    may_file_appeal,
    may_still_appeal,
)
from gateway.domain.mandate import Reason

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("issued_on", "deadline"),
    [
        (date(2024, 7, 1), date(2024, 8, 1)),
        (date(2024, 7, 11), date(2024, 8, 11)),
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2100, 1, 31), date(2100, 2, 28)),  # not a leap year
        (date(2000, 1, 31), date(2000, 2, 29)),
        (date(2024, 3, 31), date(2024, 4, 30)),
        (date(2024, 8, 31), date(2024, 9, 30)),
        (date(2024, 12, 15), date(2025, 1, 15)),
        (date(2024, 12, 31), date(2025, 1, 31)),
        (date(2024, 2, 29), date(2024, 3, 29)),
    ],
)
def test_appeal_deadline(issued_on: date, deadline: date) -> None:
    assert appeal_deadline(issued_on) == deadline


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 6, 30), False),  # before the certificate was issued
        (date(2024, 7, 1), True),
        (date(2024, 7, 20), True),
        (date(2024, 8, 1), True),  # the deadline itself
        (date(2024, 8, 2), False),
        (date(2025, 7, 1), False),
    ],
)
def test_may_still_appeal(on: date, expected: bool) -> None:
    assert may_still_appeal(date(2024, 7, 1), on) is expected


def test_may_still_appeal_on_the_last_day_of_february() -> None:
    assert may_still_appeal(date(2025, 1, 31), date(2025, 2, 28))
    assert not may_still_appeal(date(2025, 1, 31), date(2025, 3, 1))
    assert may_still_appeal(date(2024, 1, 31), date(2024, 2, 29))
    assert not may_still_appeal(date(2024, 1, 31), date(2024, 3, 1))


@given(issued_on=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_the_window_is_issue_date_to_deadline_inclusive(issued_on: date) -> None:
    deadline = appeal_deadline(issued_on)
    assert timedelta(days=28) <= deadline - issued_on <= timedelta(days=31)
    assert not may_still_appeal(issued_on, issued_on - DAY)
    assert may_still_appeal(issued_on, issued_on)
    assert may_still_appeal(issued_on, deadline)
    assert not may_still_appeal(issued_on, deadline + DAY)


STUDENT = AppellantRole.STUDENT
REPRESENTATIVE = AppellantRole.LEGAL_REPRESENTATIVE
OFFICIAL = AppellantRole.RESOCIALISATION_OFFICIAL


@pytest.mark.parametrize(
    ("role", "student_is_adult", "mandate", "in_prison", "expected"),
    [
        (STUDENT, True, None, False, True),
        (STUDENT, True, Reason.SELF, False, True),
        (STUDENT, True, None, True, True),
        (STUDENT, False, None, False, False),  # a minor does not appeal themselves
        (STUDENT, False, Reason.SELF, False, False),
        (REPRESENTATIVE, False, Reason.PARENT_WITH_CUSTODY, False, True),
        (REPRESENTATIVE, False, Reason.GUARDIAN_OF_MINOR, False, True),
        (REPRESENTATIVE, False, Reason.GUARDIAN_OF_ADULT, False, False),
        (REPRESENTATIVE, False, Reason.SELF, False, False),
        (REPRESENTATIVE, False, Reason.NO_MANDATE, False, False),
        (REPRESENTATIVE, False, Reason.REGISTRY_UNAVAILABLE, False, False),
        (REPRESENTATIVE, False, None, False, False),
        (REPRESENTATIVE, True, Reason.PARENT_WITH_CUSTODY, False, False),  # student is adult
        (REPRESENTATIVE, True, Reason.GUARDIAN_OF_MINOR, False, False),
        (OFFICIAL, True, None, True, True),
        (OFFICIAL, False, None, True, True),
        (OFFICIAL, True, None, False, False),
        (OFFICIAL, False, Reason.PARENT_WITH_CUSTODY, False, False),
    ],
)
def test_may_file_appeal(
    role: AppellantRole,
    student_is_adult: bool,
    mandate: Reason | None,
    in_prison: bool,
    expected: bool,
) -> None:
    decided = may_file_appeal(
        role, student_is_adult=student_is_adult, mandate=mandate, student_in_prison=in_prison
    )
    assert decided is expected


def appeal_rule(role: str, adult: bool, mandate: str | None, in_prison: bool) -> bool:
    """RULES §8, written out: adult student; minor's representative by §3 rules 2–3; official."""
    if role == "student":
        return adult
    if role == "legal_representative":
        return not adult and mandate in ("parent_with_custody", "guardian_of_minor")
    return role == "resocialisation_official" and in_prison


@pytest.mark.parametrize(
    ("role", "adult", "mandate", "in_prison"),
    list(product(AppellantRole, [True, False], [None, *Reason], [True, False])),
)
def test_may_file_appeal_every_combination(
    role: AppellantRole, adult: bool, mandate: Reason | None, in_prison: bool
) -> None:
    decided = may_file_appeal(
        role, student_is_adult=adult, mandate=mandate, student_in_prison=in_prison
    )
    assert decided is appeal_rule(role, adult, mandate, in_prison)
