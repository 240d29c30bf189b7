"""The VIIS report's rows (RULES §12): every result of an institution's students of one level
in the sessions a selection date holds (:func:`gateway.domain.publication.is_in_report`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, select

from gateway.domain.publication import riga_day_end
from gateway.store.models import Exam, ExamSession, Institution, Person, Result
from gateway.store.queries import ordered_parts
from gateway.store.types import UtcDateTime


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


# Built once. The SQL holds the publication rule as two bounds, tested to agree with
# is_in_report: published by now, and before the end of the selection date in Riga.
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
        Result.institution_code == bindparam("institution"),
        ExamSession.level == bindparam("level"),
        ExamSession.published_at <= bindparam("now", type_=UtcDateTime()),
        ExamSession.published_at < bindparam("day_end", type_=UtcDateTime()),
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
    params = {"institution": institution, "level": level, "now": now,
              "day_end": riga_day_end(selection_date), "after": after, "limit": limit}
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
