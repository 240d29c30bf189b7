"""EP226 (RULES §4): certificates and language-proficiency documents, for adults only.

The requester must be an adult (RULES §2), whoever the subject is; the subject is the requester
or someone they may act for (RULES §3). A document the requester may not see is "not found",
never "forbidden", so no answer reveals that it exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from gateway.documents.issue import EDOC_MIME, DocumentIssuer, file_stem
from gateway.domain.certificate_status import downloadable
from gateway.domain.mandate import Accessor, Decision, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.errors import (
    DocumentNotAvailable,
    DocumentNotFound,
    RegistryUnavailable,
    RequesterUnderage,
)
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import check_age
from gateway.services.access import Access, authorise
from gateway.services.decision import Decided
from gateway.store import documents as store
from gateway.store.db import reading


def require_adult(registry: RegistryClient, requester: PersonalCode, now: datetime) -> None:
    """Refuse a requester who is not an adult; "try again later" if the register could not
    say so and the personal code alone does not show an adult."""
    age = check_age(registry, requester, now)
    if age.adult:
        return
    if age.register_unavailable:
        raise RegistryUnavailable("age")
    raise RequesterUnderage("age")


def _admit(
    access: Access, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> Decision:
    require_adult(access.registry, requester, now)
    return authorise(access, requester, subject, now)


@dataclass(frozen=True, slots=True)
class DocumentList(Decided):
    """``listDocuments``: whose documents, the documents, and why the requester may see them."""

    subject: PersonalCode
    rows: list[store.DocumentRow]
    reason: Reason
    accessor: Accessor | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(r.number for r in self.rows)


def list_documents(
    access: Access, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> DocumentList:
    """The subject's documents issued since 2023 of published sessions, newest first."""
    mandate = _admit(access, requester, subject, now)
    with reading(access.engine) as conn:
        rows = store.visible_documents(conn, subject.digits, now)
    return DocumentList(subject, rows, mandate.reason, accessor=mandate.accessor)


@dataclass(frozen=True, slots=True)
class DownloadedDocument(Decided):
    """``getDocument``: the sealed e-document."""

    subject: PersonalCode
    number: str
    file_name: str
    content: bytes
    reason: Reason
    accessor: Accessor | None = None
    mime_type: str = EDOC_MIME

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.number,)


def get_document(
    access: Access,
    issuer: DocumentIssuer,
    requester: PersonalCode,
    subject: PersonalCode,
    number: str,
    now: datetime,
) -> DownloadedDocument:
    """The sealed e-document, if ``listDocuments`` would show it to this requester."""
    mandate = _admit(access, requester, subject, now)
    with reading(access.engine) as conn:
        row = store.visible_document(conn, subject.digits, number, now)
    if row is None:
        raise DocumentNotFound("not visible", accessor=mandate.accessor)
    if not downloadable(row.status):
        raise DocumentNotAvailable(row.status.value, accessor=mandate.accessor)
    content = issuer.edoc(access.engine, number)
    return DownloadedDocument(subject, number, f"{file_stem(number)}.edoc", content,
                              mandate.reason, accessor=mandate.accessor)


@dataclass(frozen=True, slots=True)
class Address:
    recipient: str
    street: str
    city: str
    postal_code: str
    country: str

    def lines(self) -> str:
        return "\n".join(
            (self.recipient, self.street, f"{self.postal_code} {self.city}", self.country)
        )


@dataclass(frozen=True, slots=True)
class PaperCopy(Decided):
    """``requestPaperCopy``: the open request, and whether it was open already."""

    subject: PersonalCode
    number: str
    request: store.PaperCopyRow
    already_requested: bool
    reason: Reason
    accessor: Accessor | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.number,)


def request_paper_copy(
    access: Access,
    requester: PersonalCode,
    subject: PersonalCode,
    number: str,
    address: Address,
    now: datetime,
) -> PaperCopy:
    """Record a paper-copy request; while one is open for the document, return that one."""
    mandate = _admit(access, requester, subject, now)
    with access.engine.begin() as conn:
        row = store.visible_document(conn, subject.digits, number, now)
        if row is None:
            raise DocumentNotFound("not visible", accessor=mandate.accessor)
        if not downloadable(row.status):
            raise DocumentNotAvailable(row.status.value, accessor=mandate.accessor)
        request, existing = store.open_paper_copy(
            conn, number, requester.digits, subject.digits, address.lines(), now
        )
    return PaperCopy(subject, number, request, existing, mandate.reason,
                     accessor=mandate.accessor)


@dataclass(frozen=True, slots=True)
class Application(Decided):
    """``submitDocumentApplication``: the application received."""

    subject: PersonalCode
    reference: str
    status: str
    received_at: datetime
    reason: Reason
    accessor: Accessor | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.reference,)


def submit_application(
    access: Access,
    requester: PersonalCode,
    subject: PersonalCode,
    exam_code: str | None,
    school_year: str,
    text: str,
    email: str,
    now: datetime,
) -> Application:
    """Record an application for VISC to prepare a missing document; its reference number."""
    mandate = _admit(access, requester, subject, now)
    reference = f"VPIS-{now:%Y}-{secrets.token_hex(4).upper()}"
    with access.engine.begin() as conn:
        store.add_application(
            conn,
            {
                "reference": reference,
                "requester_code": requester.digits,
                "subject_code": subject.digits,
                "exam_code": exam_code,
                "school_year": school_year,
                "text": text,
                "email": email,
                "status": "received",
                "created_at": now,
            },
        )
    return Application(subject, reference, "received", now, mandate.reason,
                       accessor=mandate.accessor)
