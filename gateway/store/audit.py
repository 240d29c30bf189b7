"""Audit records (RULES §7): one per call, committed before the answer leaves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select

from gateway.store.models import AuditRecord, AuditSubject


@dataclass(slots=True)
class AuditEntry:
    """What one call did; filled in as the call proceeds, written once at its end."""

    at: datetime
    service: str = "unknown"
    message_id: str | None = None
    client: str | None = None
    requester_code: str | None = None
    subject_code: str | None = None
    outcome: str = "error"  # allowed | refused | error
    reason: str | None = None
    documents: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    """Further persons whose data the answer carried (11 digits each), e.g. a school's list."""


def _clip(value: str | None, length: int) -> str | None:
    return None if value is None else value[:length]


_INSERT = insert(AuditRecord).returning(AuditRecord.id)


def _values(entry: AuditEntry) -> dict[str, object]:
    return {
        "at": entry.at,
        "message_id": _clip(entry.message_id, 200),
        "client": _clip(entry.client, 300),
        "service": entry.service[:100],
        "requester_code": entry.requester_code,
        "subject_code": entry.subject_code,
        "outcome": entry.outcome,
        "reason": _clip(entry.reason, 64),
        "documents": entry.documents or None,
    }


def insert_entries(conn: Connection, entries: Sequence[AuditEntry]) -> list[int]:
    """Insert ``entries`` (with their further subjects) in the open transaction; their ids."""
    ids = []
    for entry in entries:
        record_id = int(conn.execute(_INSERT, _values(entry)).scalar_one())
        if entry.subjects:
            conn.execute(insert(AuditSubject), [
                {"audit_id": record_id, "subject_code": code, "at": entry.at}
                for code in dict.fromkeys(entry.subjects)
            ])
        ids.append(record_id)
    return ids


def write(engine: Engine, entry: AuditEntry) -> int:
    """Insert and commit one audit record; its id. Raises if it cannot be committed."""
    with engine.begin() as conn:
        return insert_entries(conn, [entry])[0]


@dataclass(frozen=True, slots=True)
class AccessLine:
    """One line of ``gateway audit --person``."""

    at: datetime
    service: str
    client: str | None
    requester_code: str | None
    subject_code: str | None
    outcome: str
    reason: str | None
    message_id: str | None


def accesses_to(engine: Engine, personal_code: str, limit: int = 1000) -> list[AccessLine]:
    """Who accessed the data of ``personal_code`` (11 digits), newest first."""
    stmt = (
        select(
            AuditRecord.at,
            AuditRecord.service,
            AuditRecord.client,
            AuditRecord.requester_code,
            AuditRecord.subject_code,
            AuditRecord.outcome,
            AuditRecord.reason,
            AuditRecord.message_id,
        )
        .where(AuditRecord.subject_code == personal_code)
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [AccessLine(*row) for row in conn.execute(stmt)]
