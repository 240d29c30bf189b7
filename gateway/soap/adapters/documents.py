"""EP226 over X-Road (RULES §4): ``listDocuments``, ``getDocument``, ``requestPaperCopy`` and
``submitDocumentApplication``."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.services import documents as ep226
from gateway.soap import payloads as x
from gateway.soap.adapters.appeals import appeal_state
from gateway.soap.operation import Operation
from gateway.store.documents import PaperCopyRow


@dataclass(frozen=True, slots=True)
class DocumentRequest:
    """``getDocument``: one document of the subject."""

    subject: PersonalCode
    number: str


@dataclass(frozen=True, slots=True)
class PaperCopyRequest:
    """``requestPaperCopy``: one document, and where to send it."""

    subject: PersonalCode
    number: str
    address: ep226.Address


@dataclass(frozen=True, slots=True)
class ApplicationRequest:
    """``submitDocumentApplication``: what VISC is asked to prepare."""

    subject: PersonalCode
    exam_code: str | None
    school_year: str
    text: str
    email: str


def document_request(payload: etree._Element) -> DocumentRequest:
    return DocumentRequest(x.subject_of(payload), x.text(payload, "documentNumber"))


def paper_copy_request(payload: etree._Element) -> PaperCopyRequest:
    given = payload.find(x.q("deliveryAddress"))
    assert given is not None  # required by the schema
    address = ep226.Address(x.text(given, "recipient"), x.text(given, "street"),
                            x.text(given, "city"), x.text(given, "postalCode"),
                            x.text(given, "country"))
    return PaperCopyRequest(x.subject_of(payload), x.text(payload, "documentNumber"), address)


def application_request(payload: etree._Element) -> ApplicationRequest:
    return ApplicationRequest(
        x.subject_of(payload),
        x.optional(payload, "examCode"),
        x.text(payload, "schoolYear"),
        x.text(payload, "text"),
        x.text(payload, "contactEmail"),
    )


def _paper_copy(parent: etree._Element, row: PaperCopyRow) -> None:
    paper = etree.SubElement(parent, x.q("paperCopy"))
    x.add(paper, "requestId", str(row.request_id))
    x.add(paper, "status", str(row.status))
    x.add(paper, "requestedAt", x.instant(row.requested_at))


def documents(answer: ep226.DocumentList) -> etree._Element:
    """``listDocumentsResponse``."""
    element = x.payload("listDocumentsResponse", answer.subject.display)
    listed = etree.SubElement(element, x.q("documents"))
    for row in answer.rows:
        entry = etree.SubElement(listed, x.q("document"))
        x.add(entry, "number", row.number)
        x.add(entry, "kind", str(row.kind))
        x.add(entry, "title", row.title)
        x.add(entry, "issuedOn", x.day(row.issued_on))
        for name, value in (("examCode", row.exam_code), ("examName", row.exam_name),
                            ("schoolYear", row.school_year)):
            if value is not None:
                x.add(entry, name, value)
        if row.paper_copy is not None:
            _paper_copy(entry, row.paper_copy)
        x.add(entry, "status", row.status.value)
        if row.superseded_by is not None:
            x.add(entry, "supersededBy", row.superseded_by)
        if row.appeal is not None:
            appeal_state(entry, row.appeal)
    return element


def document(doc: ep226.DownloadedDocument) -> etree._Element:
    """``getDocumentResponse``: the e-document in base64, with its SHA-256."""
    element = x.payload("getDocumentResponse", doc.subject.display)
    x.add(element, "documentNumber", doc.number)
    x.add(element, "fileName", doc.file_name)
    x.add(element, "mimeType", doc.mime_type)
    x.add(element, "content", base64.b64encode(doc.content).decode("ascii"))
    x.add(element, "sha256", hashlib.sha256(doc.content).hexdigest())
    return element


def paper_copy(answer: ep226.PaperCopy) -> etree._Element:
    """``requestPaperCopyResponse``."""
    element = x.payload("requestPaperCopyResponse", answer.subject.display)
    x.add(element, "documentNumber", answer.number)
    _paper_copy(element, answer.request)
    x.add(element, "alreadyRequested", "true" if answer.already_requested else "false")
    return element


def application(app: ep226.Application) -> etree._Element:
    """``submitDocumentApplicationResponse``."""
    element = x.payload("submitDocumentApplicationResponse", app.subject.display)
    x.add(element, "reference", app.reference)
    x.add(element, "status", app.status)
    x.add(element, "receivedAt", x.instant(app.received_at))
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "listDocuments",
        "Certificates and state-language proficiency documents (EP226)",
        x.subject,
        lambda rt, who, req, now: ep226.list_documents(rt.access, who, req.subject, now),
        documents,
    ),
    Operation(
        "getDocument",
        "Download an e-document (EP226)",
        document_request,
        lambda rt, who, req, now: ep226.get_document(
            rt.access, rt.issuer, who, req.subject, req.number, now),
        document,
    ),
    Operation(
        "requestPaperCopy",
        "Request a paper copy (EP226)",
        paper_copy_request,
        lambda rt, who, req, now: ep226.request_paper_copy(
            rt.access, who, req.subject, req.number, req.address, now),
        paper_copy,
    ),
    Operation(
        "submitDocumentApplication",
        "Application for a missing document (EP226)",
        application_request,
        lambda rt, who, req, now: ep226.submit_application(
            rt.access, who, req.subject, req.exam_code, req.school_year, req.text, req.email,
            now),
        application,
    ),
)
