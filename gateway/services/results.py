"""EP181 ``getExamResults`` (RULES §4): a person's passed exam results, or a represented one's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.domain.personal_code import PersonalCode
from gateway.services.access import Access, authorise
from gateway.store import queries
from gateway.store.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class ExamResults:
    """The answer: whose results, and the results."""

    subject: PersonalCode
    results: list[queries.ResultRow]


def exam_results(
    access: Access,
    requester: PersonalCode,
    subject: PersonalCode,
    now: datetime,
    audit: AuditEntry,
) -> ExamResults:
    """EP181: passed results since 2010/2011 of published sessions, newest first."""
    authorise(access, requester, subject, now, audit)
    with access.engine.connect() as conn:
        rows = queries.passed_results(conn, subject.digits, now)
    return ExamResults(subject=subject, results=rows)
