"""Documents in the store: what EP226 may show (RULES §4, §5), sealed e-documents, paper copies
and applications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from gateway.domain.certificate_status import CertificateStatus, effective_status
from gateway.domain.documents import AppealStatus, DocumentKind, PaperCopyStatus
from gateway.store import visibility as seen
from gateway.store.appeals import AppealRow, latest_appeals
from gateway.store.models import (
    Document,
    DocumentApplication,
    Exam,
    ExamSession,
    Institution,
    PaperCopyRequest,
    Person,
    Result,
)
from gateway.store.upsert import open_once


@dataclass(frozen=True, slots=True)
class PaperCopyRow:
    request_id: int
    status: PaperCopyStatus
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One document as EP226 lists it, with its status (RULES §13)."""

    number: str
    kind: DocumentKind
    title: str
    issued_on: date
    exam_code: str | None
    exam_name: str | None
    school_year: str | None
    imported_status: str = CertificateStatus.VALID.value
    superseded_by: str | None = None
    paper_copy: PaperCopyRow | None = None
    appeal: AppealRow | None = None

    @property
    def status(self) -> CertificateStatus:
        """valid, under_appeal, superseded or revoked."""
        return effective_status(self.imported_status, self.superseded_by,
                                self.appeal is not None and self.appeal.status is AppealStatus.OPEN)


# Visible at "now" to EP226 (RULES §4, §5): issued since 2023 and not in the future, of a
# published session (language documents have none), certificates of passed exams only. Listed
# whatever their status; getDocument refuses the superseded and revoked (RULES §13).
_VISIBLE = and_(
    Document.personal_code == bindparam("code"),
    seen.ep226_issues(),
    seen.issued(),
    Document.session_code.is_(None) | seen.published(),
    seen.passed_certificate(),
)
_LIST = (
    select(
        Document.number,
        Document.kind,
        Document.title,
        Document.issued_on,
        Exam.code,
        Exam.name,
        ExamSession.school_year,
        Document.status,
        seen.superseded_by(),
    )
    .outerjoin(ExamSession, ExamSession.code == Document.session_code)
    .outerjoin(Exam, Exam.code == Document.exam_code)
)
# Built once: composing these costs more than running them on their indexes.
VISIBLE_DOCUMENTS = _LIST.where(_VISIBLE).order_by(Document.issued_on.desc(), Document.number)
VISIBLE_DOCUMENT = _LIST.where(_VISIBLE, Document.number == bindparam("number"))
_PAPER_COPIES = (
    select(
        PaperCopyRequest.document_number,
        PaperCopyRequest.id,
        PaperCopyRequest.status,
        PaperCopyRequest.created_at,
    )
    .where(PaperCopyRequest.document_number.in_(bindparam("numbers", expanding=True)))
    .order_by(PaperCopyRequest.id)
)


def visibility(personal_code: str, now: datetime) -> dict[str, Any]:
    """The parameters of the visibility condition for one subject at ``now``."""
    return dict(seen.at(now), code=personal_code)


def visible_documents(conn: Connection, personal_code: str, now: datetime) -> list[DocumentRow]:
    """The subject's documents EP226 shows at ``now``, newest first, with paper-copy state."""
    rows = conn.execute(VISIBLE_DOCUMENTS, visibility(personal_code, now)).all()
    numbers = [r[0] for r in rows]
    papers = _latest_paper_copies(conn, numbers)
    appeals = latest_appeals(conn, numbers)
    return [_row(row, papers.get(row[0]), appeals.get(row[0])) for row in rows]


def visible_document(
    conn: Connection, personal_code: str, number: str, now: datetime
) -> DocumentRow | None:
    """One document if EP226 would list it for this subject at ``now``; else ``None``."""
    params = dict(visibility(personal_code, now), number=number)
    row = conn.execute(VISIBLE_DOCUMENT, params).first()
    if row is None:
        return None
    return _row(row, _latest_paper_copies(conn, [number]).get(number),
                latest_appeals(conn, [number]).get(number))


def _row(values: Any, paper: PaperCopyRow | None, appeal: AppealRow | None) -> DocumentRow:
    number, kind, title, issued_on, exam_code, exam_name, school_year, status, newer = values
    return DocumentRow(number, DocumentKind(kind), title, issued_on, exam_code, exam_name,
                       school_year, status, newer, paper_copy=paper, appeal=appeal)


def _latest_paper_copies(conn: Connection, numbers: list[str]) -> dict[str, PaperCopyRow]:
    if not numbers:
        return {}
    rows = conn.execute(_PAPER_COPIES, {"numbers": numbers})
    return {number: PaperCopyRow(rid, PaperCopyStatus(status), at)
            for number, rid, status, at in rows}


def stored_edoc(conn: Connection, number: str) -> bytes | None:
    """The sealed e-document of ``number``, if it was made already."""
    value = conn.scalar(select(Document.edoc).where(Document.number == number))
    return None if value is None else bytes(value)


def store_edoc(conn: Connection, number: str, edoc: bytes, sha256: str, at: datetime) -> bytes:
    """Keep the first sealed e-document of ``number``; return the one kept.

    Two workers may seal the same document at once: the first write wins and both serve it.
    """
    conn.execute(
        update(Document)
        .where(Document.number == number, Document.edoc.is_(None))
        .values(edoc=edoc, edoc_sha256=sha256, sealed_at=at)
    )
    kept = stored_edoc(conn, number)
    assert kept is not None
    return kept


def document_sources(conn: Connection, number: str) -> dict[str, Any]:
    """Everything printed on a document, as rows: the document, the person, and for a
    certificate the result, exam, session and institution."""
    doc = conn.execute(
        select(  # not the stored e-document itself
            Document.number,
            Document.kind,
            Document.personal_code,
            Document.session_code,
            Document.exam_code,
            Document.issued_on,
            Document.title,
        ).where(Document.number == number)
    ).one()
    person = conn.execute(select(Person).where(Person.personal_code == doc.personal_code)).one()
    sources: dict[str, Any] = {"document": doc, "person": person}
    if doc.session_code and doc.exam_code:
        sources["result"] = conn.execute(
            select(Result).where(
                Result.personal_code == doc.personal_code,
                Result.session_code == doc.session_code,
                Result.exam_code == doc.exam_code,
            )
        ).first()
        sources["exam"] = conn.execute(select(Exam).where(Exam.code == doc.exam_code)).one()
        sources["session"] = conn.execute(
            select(ExamSession).where(ExamSession.code == doc.session_code)
        ).one()
        result = sources["result"]
        if result is not None and result.institution_code:
            sources["institution"] = conn.execute(
                select(Institution).where(Institution.code == result.institution_code)
            ).first()
    return sources


def open_paper_copy(
    conn: Connection, number: str, requester: str, subject: str, address: str, now: datetime
) -> tuple[PaperCopyRow, bool]:
    """The open paper-copy request of ``number``: a new one, or (``True``) the one already open."""
    create = insert(PaperCopyRequest).values(
        document_number=number,
        requester_code=requester,
        subject_code=subject,
        address=address,
        status=PaperCopyStatus.OPEN,
        created_at=now,
        updated_at=now,
    )
    return open_once(conn, lambda: _open_request(conn, number), create)


def _open_request(conn: Connection, number: str) -> PaperCopyRow | None:
    row = conn.execute(
        select(PaperCopyRequest.id, PaperCopyRequest.status, PaperCopyRequest.created_at).where(
            PaperCopyRequest.document_number == number,
            PaperCopyRequest.status == PaperCopyStatus.OPEN,
        )
    ).first()
    return None if row is None else PaperCopyRow(row[0], PaperCopyStatus(row[1]), row[2])


def add_application(conn: Connection, values: dict[str, Any]) -> None:
    """Record an application for a missing document."""
    conn.execute(insert(DocumentApplication).values(**values))
