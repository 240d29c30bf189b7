"""EP181 ``getExamResults`` (RULES §4): a person's passed exam results, or a represented one's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.domain.mandate import Accessor, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.services.access import Access, authorise
from gateway.services.decision import Decided
from gateway.store import queries
from gateway.store.db import reading


@dataclass(frozen=True, slots=True)
class ExamResults(Decided):
    """The answer: whose results, the results, and why the requester may see them."""

    subject: PersonalCode
    results: list[queries.ResultRow]
    reason: Reason
    accessor: Accessor | None = None


def exam_results(
    access: Access, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> ExamResults:
    """EP181: passed results since 2010/2011 of published sessions, newest first."""
    mandate = authorise(access, requester, subject, now)
    with reading(access.engine) as conn:
        rows = queries.passed_results(conn, subject.digits, now)
    return ExamResults(subject=subject, results=rows, reason=mandate.reason,
                       accessor=mandate.accessor)
