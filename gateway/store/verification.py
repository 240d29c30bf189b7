"""What a third-party verification may read of one certificate (RULES §13).

Only a CE certificate issued and published by ``now``, found by its number *and* its holder's
personal code together: with a wrong code the certificate does not exist for the asker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select

from gateway.domain.documents import DocumentKind
from gateway.store import visibility as seen
from gateway.store.models import AuditRecord, Document, Exam, ExamSession, Result
from gateway.store.types import UtcDateTime


@dataclass(frozen=True, slots=True)
class VerifiedRow:
    """The certificate's status facts and, for the answer when valid, exam, year and total."""

    imported_status: str
    superseded_by: str | None
    exam_code: str
    exam_name: str
    school_year: str
    total_percent: float


_PUBLISHED_CERTIFICATE = (
    select(
        Document.status,
        seen.superseded_by(),
        Exam.code,
        Exam.name,
        ExamSession.school_year,
        Result.total_percent,
        Document.personal_code,
    )
    .join(ExamSession, ExamSession.code == Document.session_code)
    .join(Exam, Exam.code == Document.exam_code)
    .join(Result, seen.certifies(Document, Result))
    .where(
        Document.number == bindparam("number"),
        Document.kind == DocumentKind.CE_CERTIFICATE,
        seen.issued(),
        seen.published(),
        Result.passed.is_(True),
    )
)
_CERTIFICATE = _PUBLISHED_CERTIFICATE.where(Document.personal_code == bindparam("holder"))


def certificate(conn: Connection, number: str, holder: str, now: datetime) -> VerifiedRow | None:
    """The certificate ``number`` if ``holder`` (11 digits) holds it and it is published."""
    row = conn.execute(_CERTIFICATE, dict(seen.at(now), number=number, holder=holder)).first()
    return None if row is None else VerifiedRow(*row[:-1])


def published_certificate(conn: Connection, number: str, now: datetime
                          ) -> tuple[VerifiedRow, str] | None:
    """The published certificate ``number`` and its holder's 11 digits, whoever asks: for a
    verification by share code (RULES §14), which reads the same rows whatever the code."""
    row = conn.execute(_PUBLISHED_CERTIFICATE, dict(seen.at(now), number=number)).first()
    return None if row is None else (VerifiedRow(*row[:-1]), str(row[-1]))


_CALLS = (
    select(AuditRecord.id)
    .where(
        AuditRecord.client == bindparam("client"),
        AuditRecord.service == bindparam("service"),
        AuditRecord.at >= bindparam("since", type_=UtcDateTime()),
    )
    .limit(bindparam("most"))
    .subquery()
)
_COUNT = select(func.count()).select_from(_CALLS)


def calls_since(conn: Connection, client: str, service: str, since: datetime, most: int) -> int:
    """How many calls of ``service`` by ``client`` were audited since ``since``, up to ``most``
    (the count stops there: the index on (client, service, at) is read no further)."""
    value = conn.scalar(_COUNT, {"client": client, "service": service, "since": since,
                                 "most": most})
    return int(value or 0)
