"""The Prison Administration's word on an inmate (RULES §8, §13): who is responsible for their
resocialisation, and when. Pure data and one rule; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Official:
    """A resocialisation official of one inmate, valid from ``valid_from`` to ``valid_to``
    (both included; no end: still responsible)."""

    personal_code: str  # 11 digits
    given_name: str
    family_name: str
    valid_from: date
    valid_to: date | None = None

    def responsible_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class InmateRecord:
    """A person in custody now: where, and their resocialisation officials."""

    personal_code: str  # 11 digits
    institution: str
    officials: tuple[Official, ...] = ()


def responsible_official(record: InmateRecord | None, requester: str,
                         day: date) -> Official | None:
    """The official ``requester`` (11 digits) is for the inmate on ``day``, or ``None``: no
    record (not in custody) or no such official then."""
    if record is None:
        return None
    for official in record.officials:
        if official.personal_code == requester and official.responsible_on(day):
            return official
    return None
