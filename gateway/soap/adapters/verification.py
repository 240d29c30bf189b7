"""Certificate verification for third parties over X-Road: ``verifyCertificate`` (RULES §13)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.services import verification
from gateway.soap import payloads as x
from gateway.soap.operation import Operation


@dataclass(frozen=True, slots=True)
class VerifyRequest:
    """``verifyCertificate``: a certificate number and its holder, from a verifier client."""

    subject: PersonalCode  # the holder
    number: str
    client: str = ""

    def with_client(self, client: str) -> VerifyRequest:
        return replace(self, client=client)


def verify_request(payload: etree._Element) -> VerifyRequest:
    return VerifyRequest(x.subject_of(payload), x.text(payload, "documentNumber"))


def verification_answer(result: verification.Verification) -> etree._Element:
    """``verifyCertificateResponse``: the status and, when valid, exam, year and total only."""
    element = x.payload("verifyCertificateResponse")
    x.add(element, "documentNumber", result.number)
    x.add(element, "status", result.status.value)
    if result.exam_code is not None and result.total_percent is not None:
        x.add(element, "examCode", result.exam_code)
        x.add(element, "examName", result.exam_name or "")
        x.add(element, "schoolYear", result.school_year or "")
        x.add(element, "totalPercent", x.percent(result.total_percent))
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "verifyCertificate",
        "Certificate verification (for third parties)",
        verify_request,
        lambda rt, who, req, now: verification.verify_certificate(
            rt.engine, rt.verify_limit, req.client, req.number, req.subject, now,
            guard=rt.verify_guard),
        verification_answer,
    ),
)
