"""Read queries the services run, as Core statements (no ORM object loading on the hot path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from gateway.domain.documents import DocumentKind
from gateway.domain.publication import is_portal_visible
from gateway.store.models import Document, Exam, ExamSession, Result
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


def ordered_parts(exam_parts: list[str], scores: dict[str, Any] | None
                  ) -> tuple[tuple[str, float], ...]:
    """A result's part scores in the exam's order of parts (the parts it has a score for)."""
    given = scores or {}
    return tuple((p, float(given[p])) for p in exam_parts if p in given)


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
        rows.append(
            ResultRow(
                school_year=year,
                session_code=session,
                exam_code=code,
                exam_name=name,
                total_percent=float(total),
                cefr_level=cefr,
                parts=ordered_parts(exam_parts, parts),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class PortalRow:
    """One exam result as the eksameni.gov.lv portal shows it (RULES §11)."""

    school_year: str
    session_code: str
    exam_code: str
    exam_name: str
    total_percent: float
    passed: bool
    cefr_level: str | None
    parts: tuple[tuple[str, float], ...]  # in the exam's order of parts
    certificate_number: str | None  # of a passed exam, when issued


_SESSIONS = select(ExamSession.code, ExamSession.published_at).where(
    ExamSession.published_at <= bindparam("now", type_=UtcDateTime())
)
_PORTAL_RESULTS = (
    select(
        ExamSession.school_year,
        ExamSession.code,
        Exam.code,
        Exam.name,
        Exam.parts,
        Result.total_percent,
        Result.passed,
        Result.cefr_level,
        Result.parts,
        Document.number,
    )
    .join(ExamSession, ExamSession.code == Result.session_code)
    .join(Exam, Exam.code == Result.exam_code)
    .outerjoin(
        Document,
        (Document.personal_code == Result.personal_code)
        & (Document.session_code == Result.session_code)
        & (Document.exam_code == Result.exam_code)
        & (Document.kind == DocumentKind.CE_CERTIFICATE)
        & Result.passed.is_(True),
    )
    .where(
        Result.personal_code == bindparam("code"),
        Result.session_code.in_(bindparam("sessions", expanding=True)),
    )
    .order_by(ExamSession.published_at.desc(), Exam.code)
)


def portal_sessions(conn: Connection, now: datetime) -> list[str]:
    """The sessions the portal shows at ``now``: published at most six months ago (RULES §11).

    The sessions table is small (two a year), so the rule is applied as the domain states it
    rather than restated in SQL.
    """
    return [
        code for code, published in conn.execute(_SESSIONS, {"now": now})
        if is_portal_visible(published, now)
    ]


def portal_results(conn: Connection, personal_code: str, now: datetime) -> list[PortalRow]:
    """The student's own results, passed and not passed, of the sessions the portal shows at
    ``now``, newest session first; ``personal_code`` is the 11 digits."""
    sessions = portal_sessions(conn, now)
    if not sessions:
        return []
    rows = []
    params = {"code": personal_code, "sessions": sessions}
    for year, session, code, name, exam_parts, total, passed, cefr, parts, number in conn.execute(
        _PORTAL_RESULTS, params
    ):
        rows.append(
            PortalRow(
                school_year=year,
                session_code=session,
                exam_code=code,
                exam_name=name,
                total_percent=float(total),
                passed=bool(passed),
                cefr_level=cefr,
                parts=ordered_parts(exam_parts, parts),
                certificate_number=number,
            )
        )
    return rows
