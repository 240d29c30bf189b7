"""EP181 ``getExamResults`` (RULES §4): a person's passed exam results, or a represented one's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from gateway.domain.mandate import Reason
from gateway.domain.personal_code import PersonalCode
from gateway.errors import NoMandate, RegistryUnavailable
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import check_mandate
from gateway.store import queries
from gateway.store.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class ExamResults:
    """The answer: whose results, and the results."""

    subject: PersonalCode
    results: list[queries.ResultRow]


def authorise(
    registry: RegistryClient,
    requester: PersonalCode,
    subject: PersonalCode,
    now: datetime,
    audit: AuditEntry,
) -> Reason:
    """The mandate of ``requester`` over ``subject`` (RULES §3), or the refusal raised."""
    decision = check_mandate(registry, requester, subject, now)
    audit.reason = decision.reason.value
    if decision.allowed:
        return decision.reason
    if decision.reason is Reason.REGISTRY_UNAVAILABLE:
        raise RegistryUnavailable("mandate")
    raise NoMandate("mandate")


def exam_results(
    engine: Engine,
    registry: RegistryClient,
    requester: PersonalCode,
    subject: PersonalCode,
    now: datetime,
    audit: AuditEntry,
) -> ExamResults:
    """EP181: passed results since 2010/2011 of published sessions, newest first."""
    authorise(registry, requester, subject, now, audit)
    with engine.connect() as conn:
        rows = queries.passed_results(conn, subject.digits, now)
    return ExamResults(subject=subject, results=rows)
