"""Appeals against exam results (RULES §8).

An appeal may be filed until one calendar month after the certificate's issue date (the
Administrative Procedure Law): 1 July → 1 August; 31 January → 28/29 February. It may be filed
by the adult student, by a minor student's legal representative (RULES §3 rules 2–3), or by the
official responsible for resocialisation when the student is in prison.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from gateway.domain.calendar import add_months
from gateway.domain.mandate import Reason


class AppellantRole(StrEnum):
    """In what capacity someone files an appeal."""

    STUDENT = "student"
    LEGAL_REPRESENTATIVE = "legal_representative"
    RESOCIALISATION_OFFICIAL = "resocialisation_official"


def appeal_deadline(issued_on: date) -> date:
    """The last day on which an appeal may be filed (inclusive)."""
    return add_months(issued_on, 1)


def may_still_appeal(issued_on: date, on: date) -> bool:
    """Whether an appeal filed on ``on`` is within the time limit."""
    return issued_on <= on <= appeal_deadline(issued_on)


def may_file_appeal(
    role: AppellantRole,
    *,
    student_is_adult: bool,
    mandate: Reason | None = None,
    student_in_prison: bool = False,
) -> bool:
    """Whether someone in ``role`` may file an appeal for the student.

    ``mandate`` is the mandate reason the register gave the filer over the student (RULES §3);
    only a parent with custody or a guardian of a minor count as a minor's legal representative.
    """
    if role is AppellantRole.STUDENT:
        return student_is_adult
    if role is AppellantRole.LEGAL_REPRESENTATIVE:
        return not student_is_adult and mandate in (
            Reason.PARENT_WITH_CUSTODY,
            Reason.GUARDIAN_OF_MINOR,
        )
    return student_in_prison
