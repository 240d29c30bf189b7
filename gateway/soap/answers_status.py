"""Answer payloads of RULES §13: verification, the access log and appeals (``vpis.xsd``)."""

from __future__ import annotations

from lxml import etree

from gateway.ns import VPIS
from gateway.services.access_log import AccessLog
from gateway.services.appeals import AppealDecision
from gateway.services.verification import Verification
from gateway.soap.answers import _add, _instant, _payload, _percent, _q

_PAYLOAD_NSMAP = {"vpis": VPIS}


def verification(result: Verification) -> etree._Element:
    """``verifyCertificateResponse``: the status and, when valid, exam, year and total only."""
    element = etree.Element(_q("verifyCertificateResponse"), nsmap=_PAYLOAD_NSMAP)
    _add(element, "documentNumber", result.number)
    _add(element, "status", result.status.value)
    if result.exam_code is not None and result.total_percent is not None:
        _add(element, "examCode", result.exam_code)
        _add(element, "examName", result.exam_name or "")
        _add(element, "schoolYear", result.school_year or "")
        _add(element, "totalPercent", _percent(result.total_percent))
    return element


def access_log(result: AccessLog) -> etree._Element:
    """``getAccessLogResponse``: one page, newest first, and the next page's token."""
    element = _payload("getAccessLogResponse", result.subject.display)
    entries = etree.SubElement(element, _q("entries"))
    for line in result.entries:
        entry = etree.SubElement(entries, _q("entry"))
        _add(entry, "at", _instant(line.at))
        _add(entry, "service", line.service)
        _add(entry, "client", line.client)
        _add(entry, "accessor", line.accessor)
        if line.accessor_name:
            _add(entry, "accessorName", line.accessor_name)
        _add(entry, "outcome", line.outcome)
    if result.next_page is not None:
        _add(element, "nextPage", result.next_page)
    return element


def appeal(result: AppealDecision) -> etree._Element:
    """``submitAppealResponse``: the appeal's reference number and state."""
    element = _payload("submitAppealResponse", result.student.display)
    _add(element, "documentNumber", result.number)
    state = etree.SubElement(element, _q("appeal"))
    _add(state, "reference", result.appeal.reference)
    _add(state, "status", result.appeal.status.value)
    _add(state, "filedAt", _instant(result.appeal.filed_at))
    _add(element, "role", result.role.value)
    _add(element, "deadline", result.deadline.isoformat())
    _add(element, "alreadySubmitted", "true" if result.already else "false")
    return element
