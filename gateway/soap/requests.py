"""The request payloads as typed values, read from a tree already validated against
``schemas/vpis.xsd`` (so every required element is there and every value has its type)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.ns import VPIS
from gateway.services.documents import Address


def _text(parent: etree._Element, name: str) -> str:
    return parent.findtext(f"{{{VPIS}}}{name}") or ""


def _optional(parent: etree._Element, name: str) -> str | None:
    return parent.findtext(f"{{{VPIS}}}{name}")


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    """``getExamResults``, ``listDocuments``: whose data."""

    subject: PersonalCode


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
    address: Address


@dataclass(frozen=True, slots=True)
class ApplicationRequest:
    """``submitDocumentApplication``: what VISC is asked to prepare."""

    subject: PersonalCode
    exam_code: str | None
    school_year: str
    text: str
    email: str


@dataclass(frozen=True, slots=True)
class InstitutionRequest:
    """``getInstitutionResults``: one page of a school's report; about many persons."""

    institution: str
    level: str
    selection_date: date
    page_size: int
    after: int

    @property
    def subject(self) -> None:
        return None


DEFAULT_PAGE = 200
"""Results per page when the request names none."""


def subject_of(payload: etree._Element) -> PersonalCode:
    """The subject every request names first (``personalCode``); raises if it is invalid."""
    return parse_personal_code(_text(payload, "personalCode"))


def subject(payload: etree._Element) -> SubjectRequest:
    return SubjectRequest(subject_of(payload))


def document(payload: etree._Element) -> DocumentRequest:
    return DocumentRequest(subject_of(payload), _text(payload, "documentNumber"))


def paper_copy(payload: etree._Element) -> PaperCopyRequest:
    given = payload.find(f"{{{VPIS}}}deliveryAddress")
    assert given is not None  # required by the schema
    address = Address(
        _text(given, "recipient"),
        _text(given, "street"),
        _text(given, "city"),
        _text(given, "postalCode"),
        _text(given, "country"),
    )
    return PaperCopyRequest(subject_of(payload), _text(payload, "documentNumber"), address)


def application(payload: etree._Element) -> ApplicationRequest:
    return ApplicationRequest(
        subject_of(payload),
        _optional(payload, "examCode"),
        _text(payload, "schoolYear"),
        _text(payload, "text"),
        _text(payload, "contactEmail"),
    )


def institution(payload: etree._Element) -> InstitutionRequest:
    page_size = _optional(payload, "pageSize")
    token = _optional(payload, "pageToken")
    return InstitutionRequest(
        _text(payload, "institutionCode"),
        _text(payload, "educationType"),
        date.fromisoformat(_text(payload, "selectionDate").strip()[:10]),
        int(page_size) if page_size else DEFAULT_PAGE,
        int(token) if token else 0,
    )
