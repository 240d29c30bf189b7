"""Who may see whose data: the checks every e-service runs before it answers.

1. No enumeration: a requester asking about more than ``subject_limit`` different other persons
   within ``subject_window`` is refused (counted from the audit records, so every instance of
   the gateway counts the same and the attempt itself is audited).
2. The mandate (RULES §3), from the population register; fails closed. The decision, and the
   refusal raised, say who the requester is in the register's eyes (``accessor``, RULES §13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, select

from gateway.domain.mandate import Decision, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.errors import NoMandate, RegistryUnavailable, TooManySubjects
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import check_mandate
from gateway.store.db import reading
from gateway.store.models import AuditRecord
from gateway.store.types import UtcDateTime


@dataclass(frozen=True, slots=True)
class Access:
    """The parts an access decision needs; one per process."""

    engine: Engine
    registry: RegistryClient
    subject_limit: int = 20
    subject_window: timedelta = timedelta(hours=24)


_ASKED_BEFORE = (
    select(AuditRecord.id)
    .where(
        AuditRecord.requester_code == bindparam("requester"),
        AuditRecord.subject_code == bindparam("subject"),
        AuditRecord.at >= bindparam("since", type_=UtcDateTime()),
    )
    .limit(1)
)


def _asked_before(access: Access, requester: PersonalCode, subject: PersonalCode,
                  now: datetime) -> bool:
    params = {"requester": requester.digits, "subject": subject.digits,
              "since": now - access.subject_window}
    with reading(access.engine) as conn:
        return conn.scalar(_ASKED_BEFORE, params) is not None


def _subjects_asked(access: Access, requester: PersonalCode, now: datetime) -> set[str]:
    stmt = (
        select(AuditRecord.subject_code)
        .distinct()
        .where(
            AuditRecord.requester_code == requester.digits,
            AuditRecord.at >= now - access.subject_window,
            AuditRecord.subject_code.is_not(None),
            AuditRecord.subject_code != requester.digits,
        )
        .limit(access.subject_limit + 1)
    )
    with reading(access.engine) as conn:
        return {s for s in conn.scalars(stmt) if s is not None}


def check_subject_limit(
    access: Access, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> None:
    """Refuse a requester who already asked about ``subject_limit`` other persons."""
    if requester.digits == subject.digits or _asked_before(access, requester, subject, now):
        return  # oneself, or a person already counted: the usual case, one index probe
    asked = _subjects_asked(access, requester, now)
    if subject.digits not in asked and len(asked) >= access.subject_limit:
        raise TooManySubjects("limit", limit=access.subject_limit)


def authorise(
    access: Access, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> Decision:
    """The mandate of ``requester`` over ``subject`` (RULES §3), or the refusal raised; either
    names the requester as the register does (a representative in any relation, RULES §13)."""
    check_subject_limit(access, requester, subject, now)
    decision = check_mandate(access.registry, requester, subject, now)
    if decision.allowed:
        return decision
    if decision.reason is Reason.REGISTRY_UNAVAILABLE:
        raise RegistryUnavailable("mandate")
    raise NoMandate("mandate", accessor=decision.accessor)
