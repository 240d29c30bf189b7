"""Who may act for whom (RULES §3), as a pure function of register data.

The requester R (from the X-Road ``userId``) asks about the subject S. R may act for S when:

1. R is S;
2. the register lists R as S's parent with custody and S is a minor;
3. the register lists R as S's guardian (*aizbildnis*) and S is a minor;
4. the register lists R as S's guardian of an adult (*aizgādnis*), within the relation's
   validity dates.

Everything else is refused — a parent of an adult child, a parent without custody, a subject
unknown to the register — with one and the same reason, so that the answer never reveals
whether the subject exists. When the register cannot answer, a request about another person is
refused with :attr:`Reason.REGISTRY_UNAVAILABLE`; never allowed by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from gateway.domain.age import is_adult
from gateway.domain.personal_code import PersonalCode


class RelationKind(StrEnum):
    """The kinds of legal representation the register knows (RULES §10)."""

    PARENT = "parent"
    GUARDIAN = "guardian"  # aizbildnis: of a minor
    GUARDIAN_OF_ADULT = "guardian_of_adult"  # aizgādnis: of an adult with restricted capacity


@dataclass(frozen=True, slots=True)
class Representative:
    """One legal representative of a person, as the register lists it."""

    personal_code: str  # 11 ASCII digits
    kind: RelationKind
    custody: bool = False
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive; None: open-ended

    def valid_on(self, on: date) -> bool:
        if self.valid_from is not None and on < self.valid_from:
            return False
        return not (self.valid_to is not None and on > self.valid_to)


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    """What the population register says of one person."""

    personal_code: str  # 11 ASCII digits
    birth_date: date | None
    declared_of_age: bool = False
    representatives: tuple[Representative, ...] = field(default_factory=tuple)

    def is_adult(self, on: date) -> bool:
        return is_adult(self.birth_date, on, declared_of_age=self.declared_of_age)


class Reason(StrEnum):
    """Why a mandate was granted or refused; stable codes for audit records."""

    SELF = "self"
    PARENT_WITH_CUSTODY = "parent_with_custody"
    GUARDIAN_OF_MINOR = "guardian_of_minor"
    GUARDIAN_OF_ADULT = "guardian_of_adult"
    NO_MANDATE = "no_mandate"
    REGISTRY_UNAVAILABLE = "registry_unavailable"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a mandate check."""

    allowed: bool
    reason: Reason

    @classmethod
    def allow(cls, reason: Reason) -> Decision:
        return cls(True, reason)

    @classmethod
    def refuse(cls, reason: Reason = Reason.NO_MANDATE) -> Decision:
        return cls(False, reason)


def decide(
    requester: PersonalCode, subject: PersonalCode, record: RegisterRecord | None, on: date
) -> Decision:
    """Decide whether ``requester`` may act for ``subject`` on the Riga date ``on``.

    ``record`` is the register's record of the subject, or ``None`` when the register does not
    know the subject. The caller handles an unreachable register (see
    :attr:`Reason.REGISTRY_UNAVAILABLE`); this function never sees one.
    """
    if requester.digits == subject.digits:
        return Decision.allow(Reason.SELF)
    if record is None or record.personal_code != subject.digits:
        return Decision.refuse()
    minor = not record.is_adult(on)
    for rep in record.representatives:
        if rep.personal_code != requester.digits or not rep.valid_on(on):
            continue
        if rep.kind is RelationKind.PARENT and rep.custody and minor:
            return Decision.allow(Reason.PARENT_WITH_CUSTODY)
        if rep.kind is RelationKind.GUARDIAN and minor:
            return Decision.allow(Reason.GUARDIAN_OF_MINOR)
        if rep.kind is RelationKind.GUARDIAN_OF_ADULT and not minor:
            return Decision.allow(Reason.GUARDIAN_OF_ADULT)
    return Decision.refuse()
