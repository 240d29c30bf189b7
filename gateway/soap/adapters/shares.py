"""Shares over X-Road (RULES §14): ``verifyShare`` for verifiers; ``createShare``,
``listShares`` and ``revokeShare`` for EP226's requester (latvija.gov.lv), about themselves or
a represented minor (RULES §3)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from lxml import etree

from gateway.documents import qr
from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidRequest
from gateway.ns import VPIS
from gateway.services import shares
from gateway.services.verify_guard import xroad_client
from gateway.soap import payloads as x
from gateway.soap import problems as P
from gateway.soap.operation import Operation


@dataclass(frozen=True, slots=True)
class VerifyShareRequest:
    """``verifyShare``: a certificate number and a share code, from a verifier client."""

    number: str
    code: str
    client: str = ""
    subject: PersonalCode | None = None  # the holder is what the code finds, if anything

    def with_client(self, client: str) -> VerifyShareRequest:
        return replace(self, client=client)


def verify_share_request(payload: etree._Element) -> VerifyShareRequest:
    return VerifyShareRequest(x.text(payload, "documentNumber"), x.text(payload, "shareCode"))


def verify_share_answer(result: shares.ShareVerification) -> etree._Element:
    """``verifyShareResponse``: the status and, when valid, name, exam, year and total."""
    element = x.payload("verifyShareResponse")
    x.add(element, "documentNumber", result.number)
    x.add(element, "status", result.status.value)
    if result.exam_code is not None and result.total_percent is not None:
        x.add(element, "holderName", result.holder_name or "")
        x.add(element, "examCode", result.exam_code)
        x.add(element, "examName", result.exam_name or "")
        x.add(element, "schoolYear", result.school_year or "")
        x.add(element, "totalPercent", x.percent(result.total_percent))
    return element


@dataclass(frozen=True, slots=True)
class CreateShareRequest:
    subject: PersonalCode
    numbers: tuple[str, ...]
    expires_on: date


def _day(value: str) -> date:
    """An ``xsd:date`` the schema let through; a time zone is refused (Riga days only)."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest("a date with a time zone", problem=P.EXPIRY_WITH_ZONE) from None


def create_share_request(payload: etree._Element) -> CreateShareRequest:
    numbers = tuple(e.text or "" for e in payload.iterfind(f"{{{VPIS}}}documentNumber"))
    return CreateShareRequest(x.subject_of(payload), numbers, _day(x.text(payload, "expiresOn")))


def create_share_answer(result: shares.ShareMade) -> etree._Element:
    """``createShareResponse``: the code (shown this once), its link and QR code."""
    element = x.payload("createShareResponse", result.subject.display)
    x.add(element, "shareId", str(result.share_id))
    x.add(element, "shareCode", result.display_code)
    x.add(element, "expiresOn", x.day(result.expires_on))
    for number in result.numbers:
        x.add(element, "documentNumber", number)
    x.add(element, "link", result.link)
    x.add(element, "qrSvg", qr.svg(result.link, title="QR"))
    return element


@dataclass(frozen=True, slots=True)
class RevokeShareRequest:
    subject: PersonalCode
    share_id: int


def revoke_share_request(payload: etree._Element) -> RevokeShareRequest:
    value = x.text(payload, "shareId")
    if not value.isdigit() or len(value) > 18:
        raise InvalidRequest("share id")
    return RevokeShareRequest(x.subject_of(payload), int(value))


def list_shares_answer(result: shares.ShareList) -> etree._Element:
    """``listSharesResponse``: every share, newest first, with its uses."""
    element = x.payload("listSharesResponse", result.subject.display)
    for share in result.shares:
        item = etree.SubElement(element, x.q("share"))
        x.add(item, "shareId", str(share.id))
        x.add(item, "state", share.state)
        x.add(item, "createdAt", x.instant(share.created_at))
        x.add(item, "expiresOn", x.day(share.expires_on))
        if share.revoked_at is not None:
            x.add(item, "revokedAt", x.instant(share.revoked_at))
        for number in share.numbers:
            x.add(item, "documentNumber", number)
        for use in share.uses:
            used = etree.SubElement(item, x.q("use"))
            x.add(used, "at", x.instant(use.at))
            x.add(used, "service", use.service)
            x.add(used, "client", use.client)
            x.add(used, "documentNumber", use.number)
    return element


def revoke_share_answer(result: shares.ShareRevoked) -> etree._Element:
    element = x.payload("revokeShareResponse", result.subject.display)
    x.add(element, "shareId", str(result.share_id))
    x.add(element, "revokedAt", x.instant(result.revoked_at))
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "verifyShare",
        "Certificate verification by share code",
        verify_share_request,
        lambda rt, who, req, now: shares.verify_share(
            rt.engine, rt.share_key, rt.verify_guard, xroad_client(req.client), req.number,
            req.code, now),
        verify_share_answer,
    ),
    Operation(
        "createShare",
        "Share a certificate",
        create_share_request,
        lambda rt, who, req, now: shares.create_share(
            rt.engine, rt.share_key, shares.admit_holder(rt.access, who, req.subject, now),
            who, req.numbers, req.expires_on, now, verify_url=rt.verify_url),
        create_share_answer,
    ),
    Operation(
        "listShares",
        "My shares",
        x.subject,
        lambda rt, who, req, now: shares.list_shares(
            rt.engine, shares.admit_holder(rt.access, who, req.subject, now), now),
        list_shares_answer,
    ),
    Operation(
        "revokeShare",
        "Revoke a share",
        revoke_share_request,
        lambda rt, who, req, now: shares.revoke_share(
            rt.engine, shares.admit_holder(rt.access, who, req.subject, now), req.share_id, now),
        revoke_share_answer,
    ),
)
