"""Verification of a certificate for third parties (RULES §13): universities and employers.

Given a certificate number and its holder's personal code, the answer is only the status —
``valid``, ``superseded``, ``revoked`` or ``not_found`` — and, when valid, the exam, the school
year and the total. A wrong holder code is ``not_found``, exactly like a number that does not
exist. An open appeal does not make a certificate less valid to a third party. Each verifier
client may make ``limit`` calls per ``window``, counted from the audit records so that every
instance of the gateway counts the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine

from gateway.domain.certificate_status import CertificateStatus, effective_status
from gateway.domain.personal_code import PersonalCode
from gateway.errors import TooManyVerifications
from gateway.services.decision import Decided
from gateway.services.verify_guard import VerifyGuard, xroad_client
from gateway.store import verification as store
from gateway.store.db import reading

SERVICE = "verifyCertificate"


class VerificationStatus(StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class VerifyLimit:
    """How many verifications one client may make per window."""

    limit: int = 200
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Verification(Decided):
    """The decision: what the verifier is told, and what the audit record keeps."""

    number: str
    status: VerificationStatus
    exam_code: str | None = None
    exam_name: str | None = None
    school_year: str | None = None
    total_percent: float | None = None
    documents: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return f"verified_{self.status.value}"


def check_rate(engine: Engine, rule: VerifyLimit, client: str, now: datetime) -> None:
    """Refuse a client that already made ``rule.limit`` verifications in the window."""
    with reading(engine) as conn:
        made = store.calls_since(conn, client, SERVICE, now - rule.window, rule.limit)
    if made >= rule.limit:
        raise TooManyVerifications("rate", limit=rule.limit)


def verify_certificate(engine: Engine, rule: VerifyLimit, client: str, number: str,
                       holder: PersonalCode, now: datetime, *,
                       guard: VerifyGuard | None = None) -> Verification:
    """The status of certificate ``number`` held by ``holder``, as a third party may see it.
    With ``guard``, a blocked client is refused before anything is looked up and a
    ``not_found`` counts as a failed verification (RULES §14)."""
    if guard is not None:
        guard.check(xroad_client(client))
    check_rate(engine, rule, client, now)
    with reading(engine) as conn:
        row = store.certificate(conn, number, holder.digits, now)
    if row is None:
        if guard is not None:
            guard.failed(xroad_client(client))
        return Verification(number, VerificationStatus.NOT_FOUND)
    status = effective_status(row.imported_status, row.superseded_by, appeal_open=False)
    if status is CertificateStatus.REVOKED:
        return Verification(number, VerificationStatus.REVOKED, documents=(number,))
    if status is CertificateStatus.SUPERSEDED:
        return Verification(number, VerificationStatus.SUPERSEDED, documents=(number,))
    return Verification(number, VerificationStatus.VALID, row.exam_code, row.exam_name,
                        row.school_year, row.total_percent, documents=(number,))
