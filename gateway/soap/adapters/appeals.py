"""Appeals over X-Road: ``submitAppeal`` (RULES §8, §13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.services import appeals
from gateway.soap import payloads as x
from gateway.soap.operation import Operation


@dataclass(frozen=True, slots=True)
class AppealRequest:
    """``submitAppeal``: whose certificate, which one, and the appeal's text."""

    subject: PersonalCode  # the student
    number: str
    text: str


def appeal_request(payload: etree._Element) -> AppealRequest:
    return AppealRequest(x.subject_of(payload), x.text(payload, "documentNumber"),
                         x.text(payload, "text"))


def appeal_answer(result: appeals.AppealDecision) -> etree._Element:
    """``submitAppealResponse``: the appeal's reference number and state."""
    element = x.payload("submitAppealResponse", result.student.display)
    x.add(element, "documentNumber", result.number)
    state = etree.SubElement(element, x.q("appeal"))
    x.add(state, "reference", result.appeal.reference)
    x.add(state, "status", result.appeal.status.value)
    x.add(state, "filedAt", x.instant(result.appeal.filed_at))
    x.add(element, "role", result.role.value)
    x.add(element, "deadline", result.deadline.isoformat())
    x.add(element, "alreadySubmitted", "true" if result.already else "false")
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "submitAppeal",
        "Appeal against a certificate",
        appeal_request,
        lambda rt, who, req, now: appeals.submit_appeal(
            rt.access, rt.prison_register(), who, req.subject, req.number, req.text, now),
        appeal_answer,
    ),
)
