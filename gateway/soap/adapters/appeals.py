"""Appeals over X-Road: ``submitAppeal`` (RULES §8, §13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.services import appeals
from gateway.soap import payloads as x
from gateway.soap.operation import Operation
from gateway.store.appeals import AppealRow


@dataclass(frozen=True, slots=True)
class AppealRequest:
    """``submitAppeal``: whose certificate, which one, and the appeal's text."""

    subject: PersonalCode  # the student
    number: str
    text: str


def appeal_request(payload: etree._Element) -> AppealRequest:
    return AppealRequest(x.subject_of(payload), x.text(payload, "documentNumber"),
                         x.text(payload, "text"))


def appeal_state(parent: etree._Element, row: AppealRow) -> None:
    """``vpis:AppealState``: the reference, the state and, once decided, VISC's decision with
    its date and, when upheld, the new certificate (RULES §13). ``listDocuments`` shows it too."""
    state = etree.SubElement(parent, x.q("appeal"))
    x.add(state, "reference", row.reference)
    x.add(state, "status", row.status.value)
    x.add(state, "filedAt", x.instant(row.filed_at))
    if row.decision is not None and row.decided_on is not None:
        x.add(state, "decision", row.decision.value)
        x.add(state, "decidedOn", x.day(row.decided_on))
        if row.new_certificate is not None:
            x.add(state, "newCertificate", row.new_certificate)


def appeal_answer(result: appeals.AppealDecision) -> etree._Element:
    """``submitAppealResponse``: the appeal's reference number and state, with VISC's decision
    once there is one."""
    element = x.payload("submitAppealResponse", result.student.display)
    x.add(element, "documentNumber", result.number)
    appeal_state(element, result.appeal)
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
