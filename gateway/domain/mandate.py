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

Whether allowed or refused, the decision also says who the requester is in the register's eyes
(:class:`Accessor`): a representative of the subject in any relation the register lists — even
one that grants nothing today (custody removed, a parent of an adult, an expired guardianship) —
is named as the register names them, for the subject's access log (RULES §13).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from gateway.domain.age import is_adult
from gateway.domain.personal_code import PersonalCode
from gateway.domain.prison import InmateRecord


class RelationKind(StrEnum):
    """The kinds of legal representation the register knows (RULES §10)."""

    PARENT = "parent"
    GUARDIAN = "guardian"  # aizbildnis: of a minor
    GUARDIAN_OF_ADULT = "guardian_of_adult"  # aizgādnis: of an adult with restricted capacity


@dataclass(frozen=True, slots=True)
class Representative:
    """One legal representative of a person, as the register lists it (with their name: the
    register always knows it, RULES §10, §13)."""

    personal_code: str  # 11 ASCII digits
    kind: RelationKind
    custody: bool = False
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive; None: open-ended
    given_name: str = field(kw_only=True)
    family_name: str = field(kw_only=True)

    @property
    def name(self) -> str:
        """The given and family name, as the log shows them."""
        return f"{self.given_name} {self.family_name}"

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


class AccessorKind(StrEnum):
    """Who a requester acting for another person is, in the eyes of a register that vouches for
    them (RULES §13); stable codes for audit records and the access log."""

    REPRESENTATIVE = "representative"  # the population register lists them for the subject
    OFFICIAL = "official"  # the Prison Administration: a resocialisation official of the subject


@dataclass(frozen=True, slots=True)
class Accessor:
    """A requester as a register names them: the kind and "given family" name."""

    kind: AccessorKind
    name: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a mandate check, and who the requester is for the register.

    ``accessor`` does not take part in equality: two decisions are the same decision whatever
    name the register gives; it is there for the audit record (RULES §13)."""

    allowed: bool
    reason: Reason
    accessor: Accessor | None = field(default=None, compare=False)

    @classmethod
    def allow(cls, reason: Reason, accessor: Accessor | None = None) -> Decision:
        return cls(True, reason, accessor)

    @classmethod
    def refuse(cls, reason: Reason = Reason.NO_MANDATE,
               accessor: Accessor | None = None) -> Decision:
        return cls(False, reason, accessor)


def representative_of(requester: str, record: RegisterRecord | None) -> Accessor | None:
    """``requester`` (11 digits) as the register's record of the subject names them, in any
    relation it lists (valid today or not, granting access or not); ``None`` when it lists
    them in none (RULES §13: a representative is named whether allowed or refused)."""
    if record is None:
        return None
    for rep in record.representatives:
        if rep.personal_code == requester:
            return Accessor(AccessorKind.REPRESENTATIVE, rep.name)
    return None


def official_of(requester: str, record: InmateRecord | None) -> Accessor | None:
    """``requester`` (11 digits) as the Prison Administration's record of an inmate names them:
    one of the inmate's resocialisation officials, in any term (RULES §13); else ``None``."""
    if record is None:
        return None
    for official in record.officials:
        if official.personal_code == requester:
            return Accessor(AccessorKind.OFFICIAL,
                            f"{official.given_name} {official.family_name}")
    return None


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
        named = Accessor(AccessorKind.REPRESENTATIVE, rep.name)
        if rep.kind is RelationKind.PARENT and rep.custody and minor:
            return Decision.allow(Reason.PARENT_WITH_CUSTODY, named)
        if rep.kind is RelationKind.GUARDIAN and minor:
            return Decision.allow(Reason.GUARDIAN_OF_MINOR, named)
        if rep.kind is RelationKind.GUARDIAN_OF_ADULT and not minor:
            return Decision.allow(Reason.GUARDIAN_OF_ADULT, named)
    return Decision.refuse(accessor=representative_of(requester.digits, record))
