"""Read queries the services run, as Core statements (no ORM object loading on the hot path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from gateway.store.models import Exam, ExamSession, Result
from gateway.store.types import UtcDateTime

FIRST_SCHOOL_YEAR = "2010/2011"
"""EP181 shows results since 2011: school year 2010/2011 and later (RULES §4)."""


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One exam result as EP181 shows it."""

    school_year: str
    session_code: str
    exam_code: str
    exam_name: str
    total_percent: float
    cefr_level: str | None
    parts: tuple[tuple[str, float], ...]  # in the exam's order of parts


# Built once: composing a statement costs more than running this one on an index.
_PASSED_RESULTS = (
    select(
        ExamSession.school_year,
        ExamSession.code,
        Exam.code,
        Exam.name,
        Exam.parts,
        Result.total_percent,
        Result.cefr_level,
        Result.parts,
    )
    .join(ExamSession, ExamSession.code == Result.session_code)
    .join(Exam, Exam.code == Result.exam_code)
    .where(
        Result.personal_code == bindparam("code"),
        Result.passed.is_(True),
        ExamSession.school_year >= FIRST_SCHOOL_YEAR,
        ExamSession.published_at <= bindparam("now", type_=UtcDateTime()),
    )
    .order_by(ExamSession.school_year.desc(), ExamSession.published_at.desc(), Exam.code)
)


def passed_results(conn: Connection, personal_code: str, now: datetime) -> list[ResultRow]:
    """The subject's passed results of published sessions since 2010/2011, newest year first.

    ``personal_code`` is the 11 digits. ``now`` decides publication (RULES §5).
    """
    rows = []
    params = {"code": personal_code, "now": now}
    for year, session, code, name, exam_parts, total, cefr, parts in conn.execute(
        _PASSED_RESULTS, params
    ):
        scores: dict[str, Any] = parts or {}
        rows.append(
            ResultRow(
                school_year=year,
                session_code=session,
                exam_code=code,
                exam_name=name,
                total_percent=float(total),
                cefr_level=cefr,
                parts=tuple((p, float(scores[p])) for p in exam_parts if p in scores),
            )
        )
    return rows
