"""The VIIS report's rows (RULES §12): every result of an institution's students of one level
in the sessions a selection date holds (:func:`gateway.domain.publication.is_in_report`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, select

from gateway.store import visibility as seen
from gateway.store.models import Exam, ExamSession, Institution, Person, Result
from gateway.store.queries import ordered_parts


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One result as the report lists it."""

    result_id: int
    personal_code: str  # 11 digits
    given_name: str
    family_name: str
    school_year: str
    session_code: str
    exam_code: str
    exam_name: str
    total_percent: float
    cefr_level: str | None
    passed: bool
    parts: tuple[tuple[str, float], ...]  # in the exam's order of parts


# Built once: the institution's results in the sessions the report holds (is_in_report).
_ROWS = (
    select(
        Result.id, Result.personal_code, Person.given_name, Person.family_name,
        ExamSession.school_year, ExamSession.code, Exam.code, Exam.name, Exam.parts,
        Result.total_percent, Result.cefr_level, Result.passed, Result.parts,
    )
    .join(ExamSession, ExamSession.code == Result.session_code)
    .join(Exam, Exam.code == Result.exam_code)
    .join(Person, Person.personal_code == Result.personal_code)
    .where(
        seen.of_institution(),
        ExamSession.level == bindparam("level"),
        seen.in_report(),
        Result.id > bindparam("after"),
    )
    .order_by(Result.id)
    .limit(bindparam("limit"))
)


def institution_name(conn: Connection, code: str) -> str | None:
    """The institution's name, or ``None`` if VPIS does not know it."""
    return conn.scalar(select(Institution.name).where(Institution.code == code))


def report_rows(
    conn: Connection,
    institution: str,
    level: str,
    selection_date: date,
    now: datetime,
    *,
    after: int = 0,
    limit: int = 1_000_000,
) -> list[ReportRow]:
    """The report's rows in the order of their ids, from the one after ``after``, at most
    ``limit`` of them (a page; a workbook takes them all)."""
    params = dict(seen.at(now), **seen.report_day(selection_date), institution=institution,
                  level=level, after=after, limit=limit)
    rows = []
    for (rid, code, given, family, year, session, exam, name, exam_parts, total, cefr, passed,
         parts) in conn.execute(_ROWS, params):
        rows.append(ReportRow(
            result_id=rid, personal_code=code, given_name=given, family_name=family,
            school_year=year, session_code=session, exam_code=exam, exam_name=name,
            total_percent=float(total), cefr_level=cefr, passed=bool(passed),
            parts=ordered_parts(exam_parts, parts),
        ))
    return rows
