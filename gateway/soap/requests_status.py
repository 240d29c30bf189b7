"""The request payloads of RULES §13 (verifyCertificate, getAccessLog, submitAppeal) as typed
values, read from a tree already validated against ``schemas/vpis.xsd``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidRequest
from gateway.ns import VPIS
from gateway.services.access_log import DEFAULT_PAGE, Period
from gateway.soap import problems as P
from gateway.soap.requests import subject_of
from gateway.store.access_log import PageToken


def _text(parent: etree._Element, name: str) -> str:
    return parent.findtext(f"{{{VPIS}}}{name}") or ""


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


@dataclass(frozen=True, slots=True)
class VerifyRequest:
    """``verifyCertificate``: a certificate number and its holder, from a verifier client."""

    subject: PersonalCode  # the holder
    number: str
    client: str = ""

    def with_client(self, client: str) -> VerifyRequest:
        return replace(self, client=client)


@dataclass(frozen=True, slots=True)
class AccessLogRequest:
    """``getAccessLog``: whose accesses, in which Riga days, which page."""

    subject: PersonalCode
    period: Period
    page_size: int
    page: PageToken | None


@dataclass(frozen=True, slots=True)
class AppealRequest:
    """``submitAppeal``: whose certificate, which one, and the appeal's text."""

    subject: PersonalCode  # the student
    number: str
    text: str


def verify(payload: etree._Element) -> VerifyRequest:
    return VerifyRequest(subject_of(payload), _text(payload, "documentNumber"))


def access_log(payload: etree._Element) -> AccessLogRequest:
    size = payload.findtext(f"{{{VPIS}}}pageSize")
    return AccessLogRequest(
        subject_of(payload),
        Period(_day(_text(payload, "from")), _day(_text(payload, "to"))),
        int(size) if size else DEFAULT_PAGE,
        _token(payload.findtext(f"{{{VPIS}}}page")),
    )


def appeal(payload: etree._Element) -> AppealRequest:
    return AppealRequest(subject_of(payload), _text(payload, "documentNumber"),
                         _text(payload, "text"))
