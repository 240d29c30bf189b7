"""The answers' payload elements, built directly as the published schema (``vpis.xsd``) has them.

spyne dispatches requests and hands the method typed values; the answer is built here with
lxml and given to spyne as the finished document (``ctx.out_document``), which spyne then
leaves as it is. spyne's generic serialiser cost more than the rest of a request together;
the tests validate every answer against the schema, so the contract holds either way.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from copy import deepcopy
from datetime import date, datetime

from lxml import etree

from gateway.ns import SOAP11_ENV, VPIS
from gateway.services.documents import Application, DocumentList, DownloadedDocument, PaperCopy
from gateway.services.report import InstitutionResults
from gateway.services.results import ExamResults
from gateway.store.documents import PaperCopyRow
from gateway.store.queries import ResultRow
from gateway.store.report import ReportRow

_NSMAP = {"soapenv": SOAP11_ENV}
_PAYLOAD_NSMAP = {"vpis": VPIS}


def _q(name: str) -> str:
    return f"{{{VPIS}}}{name}"


def _add(parent: etree._Element, name: str, text: str) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    child.text = text
    return child


def _percent(value: float) -> str:
    return str(round(value, 2))


def _instant(value: datetime) -> str:
    return value.isoformat()


def _day(value: date) -> str:
    return value.isoformat()


def envelope(headers: Iterable[etree._Element], payload: etree._Element) -> etree._Element:
    """``soapenv:Envelope`` with copies of the request's X-Road headers and the payload."""
    root = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=_NSMAP)
    header = etree.SubElement(root, f"{{{SOAP11_ENV}}}Header")
    for element in headers:
        header.append(deepcopy(element))
    etree.SubElement(root, f"{{{SOAP11_ENV}}}Body").append(payload)
    return root


def _payload(name: str, subject_display: str) -> etree._Element:
    element = etree.Element(_q(name), nsmap=_PAYLOAD_NSMAP)
    _add(element, "personalCode", subject_display)
    return element


def _parts(parent: etree._Element, parts: Iterable[tuple[str, float]]) -> None:
    element = etree.SubElement(parent, _q("parts"))
    for name, percent in parts:
        part = etree.SubElement(element, _q("part"))
        _add(part, "name", name)
        _add(part, "percent", _percent(percent))


def _exam_result(result: etree._Element, row: ResultRow | ReportRow) -> None:
    """The fields of one exam result, as ``ExamResult`` and ``InstitutionResult`` share them."""
    _add(result, "schoolYear", row.school_year)
    _add(result, "sessionCode", row.session_code)
    _add(result, "examCode", row.exam_code)
    _add(result, "examName", row.exam_name)
    _add(result, "totalPercent", _percent(row.total_percent))
    if row.cefr_level:
        _add(result, "cefrLevel", row.cefr_level)


def exam_results(answer: ExamResults) -> etree._Element:
    """``getExamResultsResponse`` (EP181)."""
    element = _payload("getExamResultsResponse", answer.subject.display)
    results = etree.SubElement(element, _q("results"))
    for row in answer.results:
        result = etree.SubElement(results, _q("result"))
        _exam_result(result, row)
        _parts(result, row.parts)
    return element


def _paper_copy(parent: etree._Element, row: PaperCopyRow) -> None:
    paper = etree.SubElement(parent, _q("paperCopy"))
    _add(paper, "requestId", str(row.request_id))
    _add(paper, "status", str(row.status))
    _add(paper, "requestedAt", _instant(row.requested_at))


def documents(answer: DocumentList) -> etree._Element:
    """``listDocumentsResponse`` (EP226)."""
    element = _payload("listDocumentsResponse", answer.subject.display)
    listed = etree.SubElement(element, _q("documents"))
    for row in answer.rows:
        entry = etree.SubElement(listed, _q("document"))
        _add(entry, "number", row.number)
        _add(entry, "kind", str(row.kind))
        _add(entry, "title", row.title)
        _add(entry, "issuedOn", _day(row.issued_on))
        for name, value in (("examCode", row.exam_code), ("examName", row.exam_name),
                            ("schoolYear", row.school_year)):
            if value is not None:
                _add(entry, name, value)
        if row.paper_copy is not None:
            _paper_copy(entry, row.paper_copy)
        _add(entry, "status", row.status.value)
        if row.superseded_by is not None:
            _add(entry, "supersededBy", row.superseded_by)
        if row.appeal is not None:
            appeal = etree.SubElement(entry, _q("appeal"))
            _add(appeal, "reference", row.appeal.reference)
            _add(appeal, "status", row.appeal.status.value)
            _add(appeal, "filedAt", _instant(row.appeal.filed_at))
    return element


def document(doc: DownloadedDocument) -> etree._Element:
    """``getDocumentResponse`` (EP226): the e-document in base64, with its SHA-256."""
    element = _payload("getDocumentResponse", doc.subject.display)
    _add(element, "documentNumber", doc.number)
    _add(element, "fileName", doc.file_name)
    _add(element, "mimeType", doc.mime_type)
    _add(element, "content", base64.b64encode(doc.content).decode("ascii"))
    _add(element, "sha256", hashlib.sha256(doc.content).hexdigest())
    return element


def paper_copy(answer: PaperCopy) -> etree._Element:
    """``requestPaperCopyResponse`` (EP226)."""
    element = _payload("requestPaperCopyResponse", answer.subject.display)
    _add(element, "documentNumber", answer.number)
    _paper_copy(element, answer.request)
    _add(element, "alreadyRequested", "true" if answer.already_requested else "false")
    return element


def application(app: Application) -> etree._Element:
    """``submitDocumentApplicationResponse`` (EP226)."""
    element = _payload("submitDocumentApplicationResponse", app.subject.display)
    _add(element, "reference", app.reference)
    _add(element, "status", app.status)
    _add(element, "receivedAt", _instant(app.received_at))
    return element


def institution_results(answer: InstitutionResults) -> etree._Element:
    """``getInstitutionResultsResponse`` (VIIS): one page of the report (RULES §12)."""
    element = etree.Element(_q("getInstitutionResultsResponse"), nsmap=_PAYLOAD_NSMAP)
    _add(element, "institutionCode", answer.institution)
    _add(element, "institutionName", answer.institution_name)
    _add(element, "educationType", answer.level)
    _add(element, "selectionDate", _day(answer.selection_date))
    results = etree.SubElement(element, _q("results"))
    for row in answer.rows:
        result = etree.SubElement(results, _q("result"))
        _add(result, "personalCode", f"{row.personal_code[:6]}-{row.personal_code[6:]}")
        _add(result, "givenName", row.given_name)
        _add(result, "familyName", row.family_name)
        _exam_result(result, row)
        _add(result, "passed", "true" if row.passed else "false")
        _parts(result, row.parts)
    if answer.next_after is not None:
        _add(element, "nextPageToken", str(answer.next_after))
    return element
