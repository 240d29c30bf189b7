"""The school route's reads (RULES §12): an institution's sessions and its graduates'
certificates of one session, published sessions only.

A certificate is the school's when the result it certifies was taken at the institution: the
document joins its result on (person, session, exam). Like EP226 (RULES §4), only certificates of
passed exams, issued by today; unlike EP226 there is no 2023 bound, since a school may need to
send on an older graduate's certificate too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Connection, Select, and_, bindparam, func, select

from gateway.domain.certificate_status import CertificateStatus, downloadable
from gateway.domain.documents import DocumentKind
from gateway.store import visibility as seen
from gateway.store.models import Document, Exam, ExamSession, Person, Result


@dataclass(frozen=True, slots=True)
class SchoolSession:
    """A published session in which the institution's graduates have certificates."""

    code: str
    school_year: str
    level: str
    published_at: datetime
    certificates: int


@dataclass(frozen=True, slots=True)
class GraduateCertificate:
    """One graduate's certificate as the school's staff see it."""

    number: str
    personal_code: str  # 11 digits
    given_name: str
    family_name: str
    exam_code: str
    exam_name: str
    issued_on: date
    status: CertificateStatus

    @property
    def downloadable(self) -> bool:
        """Not superseded or revoked (RULES §13)."""
        return downloadable(self.status)


# The school's certificates at "now": its results, passed, of a published session, issued.
_SCHOOLS = and_(
    Document.kind == DocumentKind.CE_CERTIFICATE,
    seen.of_institution(),
    Result.passed.is_(True),
    seen.published(),
    seen.issued(),
)


_Row = TypeVarTuple("_Row")


def _schools(stmt: Select[*_Row]) -> Select[*_Row]:
    """``stmt`` over the school's certificates: each document joined to its result."""
    return (
        stmt.select_from(Document)
        .join(Result, seen.certifies(Document, Result))
        .join(ExamSession, ExamSession.code == Document.session_code)
        .where(_SCHOOLS)
    )


# Built once, like every hot statement of the store.
_SESSIONS = (
    _schools(select(ExamSession.code, ExamSession.school_year, ExamSession.level,
                    ExamSession.published_at, func.count(Document.id)))
    .group_by(ExamSession.code, ExamSession.school_year, ExamSession.level,
              ExamSession.published_at)
    .order_by(ExamSession.published_at.desc(), ExamSession.code.desc())
)
_COLUMNS = (Document.number, Document.personal_code, Person.given_name, Person.family_name,
            Exam.code, Exam.name, Document.issued_on, seen.status())
_CERTIFICATES = (
    _schools(select(*_COLUMNS))
    .join(Person, Person.personal_code == Document.personal_code)
    .join(Exam, Exam.code == Document.exam_code)
)
_OF_SESSION = (
    _CERTIFICATES.where(Document.session_code == bindparam("session"))
    .order_by(Person.family_name, Person.given_name, Document.personal_code, Exam.code)
)
_ONE = _CERTIFICATES.where(Document.number == bindparam("number"))


def _params(institution: str, now: datetime) -> dict[str, object]:
    return dict(seen.at(now), institution=institution)


def school_sessions(conn: Connection, institution: str, now: datetime) -> list[SchoolSession]:
    """The published sessions with certificates of the institution's graduates, newest first."""
    return [SchoolSession(*row) for row in conn.execute(_SESSIONS, _params(institution, now))]


def school_certificates(conn: Connection, institution: str, session: str, now: datetime
                        ) -> list[GraduateCertificate]:
    """The certificates of the institution's graduates in ``session`` at ``now``, by name;
    none when the session is not published (it does not exist for the school yet)."""
    return _read(conn.execute(_OF_SESSION, dict(_params(institution, now),
                                                session=session)).all())


def school_certificate(conn: Connection, institution: str, number: str, now: datetime
                       ) -> GraduateCertificate | None:
    """Certificate ``number`` if it is one of the institution's graduates' at ``now``."""
    rows = conn.execute(_ONE, dict(_params(institution, now), number=number)).all()
    return next(iter(_read(rows)), None)


def _read(rows: Sequence[Sequence[Any]]) -> list[GraduateCertificate]:
    certificates = []
    for row in rows:
        number, code, given, family, exam, name, issued_on, status = tuple(row)
        certificates.append(GraduateCertificate(
            number, code, given, family, exam, name, issued_on, CertificateStatus(status)))
    return certificates
