"""Read queries the services run, as Core statements (no ORM object loading on the hot path).

What is visible is not written here: the statements compose :mod:`gateway.store.visibility`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select

from gateway.domain.certificate_status import CertificateStatus, downloadable
from gateway.domain.documents import DocumentKind
from gateway.store import visibility as seen
from gateway.store.appeals import AppealRow, latest_appeals
from gateway.store.models import Document, Exam, ExamSession, Result


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
        seen.ep181_years(),
        seen.published(),
    )
    .order_by(ExamSession.school_year.desc(), ExamSession.published_at.desc(), Exam.code)
)


def passed_results(conn: Connection, personal_code: str, now: datetime) -> list[ResultRow]:
    """The subject's passed results of published sessions since 2010/2011, newest year first.

    ``personal_code`` is the 11 digits. ``now`` decides publication (RULES §5).
    """
    rows = []
    params = dict(seen.at(now), code=personal_code)
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
    certificate_number: str | None  # of a passed exam, when issued: the current one
    certificate_status: CertificateStatus | None = None  # of that certificate (RULES §13)
    appeal: AppealRow | None = None
    """The newest appeal of the result's certificate — against the current one, or else against
    the one it superseded (an upheld appeal's) — with its decision once made (RULES §13)."""

    @property
    def downloadable(self) -> bool:
        """The certificate may be downloaded: there is one, neither superseded nor revoked."""
        return self.certificate_status is not None and downloadable(self.certificate_status)


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
        seen.status(),
        Document.supersedes,
    )
    .join(ExamSession, ExamSession.code == Result.session_code)
    .join(Exam, Exam.code == Result.exam_code)
    .outerjoin(  # the result's current certificate: a superseded result is shown once
        Document,
        and_(seen.certifies(Document, Result), Document.kind == DocumentKind.CE_CERTIFICATE,
             Result.passed.is_(True), seen.issued(), seen.current()),
    )
    .where(
        Result.personal_code == bindparam("code"),
        seen.in_portal_window(),
    )
    .order_by(ExamSession.published_at.desc(), Exam.code)
)


portal_sessions = seen.portal_sessions


def portal_results(conn: Connection, personal_code: str, now: datetime) -> list[PortalRow]:
    """The student's own results, passed and not passed, of the sessions the portal shows at
    ``now``, newest session first; ``personal_code`` is the 11 digits. A result's certificate
    is its current one (a superseded certificate's successor), with its status and its
    appeal's decision (RULES §13)."""
    sessions = seen.portal_sessions(conn, now)
    if not sessions:
        return []
    rows = []
    params = dict(seen.at(now), code=personal_code, sessions=sessions)
    found = conn.execute(_PORTAL_RESULTS, params).all()
    numbers = [n for row in found for n in (row.number, row.supersedes) if n is not None]
    appeals = latest_appeals(conn, numbers)
    for (year, session, code, name, exam_parts, total, passed, cefr, parts, number,
         status, older) in found:
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
                certificate_status=None if number is None else CertificateStatus(status),
                appeal=appeals.get(number) or appeals.get(older),
            )
        )
    return rows
