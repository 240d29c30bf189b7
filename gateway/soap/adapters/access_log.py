"""Who looked at my data, over X-Road: ``getAccessLog`` (RULES §13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidRequest
from gateway.services import access_log as accesses
from gateway.soap import payloads as x
from gateway.soap import problems as P
from gateway.soap.operation import Operation
from gateway.store.access_log import PageToken


@dataclass(frozen=True, slots=True)
class AccessLogRequest:
    """``getAccessLog``: whose accesses, in which Riga days, which page."""

    subject: PersonalCode
    period: accesses.Period
    page_size: int
    page: PageToken | None


def _day(value: str) -> date:
    """An ``xsd:date`` the schema let through; a time zone is refused (Riga days only)."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest("a date with a time zone", problem=P.DATE_WITH_ZONE) from None


def _token(value: str | None) -> PageToken | None:
    """The page token of an earlier answer (``nextPage``), or none for the first page."""
    if value is None:
        return None
    try:
        return PageToken.decode(value)
    except ValueError:
        raise InvalidRequest("page token", problem=P.PAGE_TOKEN) from None


def access_log_request(payload: etree._Element) -> AccessLogRequest:
    size = x.optional(payload, "pageSize")
    return AccessLogRequest(
        x.subject_of(payload),
        accesses.Period(_day(x.text(payload, "from")), _day(x.text(payload, "to"))),
        int(size) if size else accesses.DEFAULT_PAGE,
        _token(x.optional(payload, "page")),
    )


def access_log_answer(result: accesses.AccessLog) -> etree._Element:
    """``getAccessLogResponse``: one page, newest first, and the next page's token."""
    element = x.payload("getAccessLogResponse", result.subject.display)
    entries = etree.SubElement(element, x.q("entries"))
    for line in result.entries:
        entry = etree.SubElement(entries, x.q("entry"))
        x.add(entry, "at", x.instant(line.at))
        x.add(entry, "service", line.service)
        x.add(entry, "client", line.client)
        x.add(entry, "accessor", line.accessor)
        if line.accessor_name:
            x.add(entry, "accessorName", line.accessor_name)
        x.add(entry, "outcome", line.outcome)
    if result.next_page is not None:
        x.add(element, "nextPage", result.next_page)
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "getAccessLog",
        "Who looked at my data",
        access_log_request,
        lambda rt, who, req, now: accesses.access_log(
            rt.access, rt.settings.client_kinds, who, req.subject, req.period, now,
            page_size=req.page_size, page=req.page),
        access_log_answer,
    ),
)
