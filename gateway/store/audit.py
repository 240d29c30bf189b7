"""Audit records (RULES §7): one per call, committed before the answer leaves."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import Connection, Engine, insert

from gateway import slots
from gateway.domain.mandate import Accessor
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
    accessor_kind: str | None = None
    """``representative`` or ``official`` when a register named the requester (RULES §13)."""
    accessor_name: str | None = None
    """The name that register gives the requester ("given family")."""

    def identify(self, accessor: Accessor | None) -> None:
        """Keep who the requester is in a register's eyes, from a decision or a refusal
        (RULES §13: named whether allowed or refused); ``None`` keeps what is there."""
        if accessor is not None:
            self.accessor_kind, self.accessor_name = accessor.kind.value, accessor.name


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
        "accessor_kind": entry.accessor_kind,
        "accessor_name": _clip(entry.accessor_name, 201),
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


_COLUMNS = ("at", "message_id", "client", "service", "requester_code", "subject_code",
            "outcome", "reason", "documents", "accessor_kind", "accessor_name")


@lru_cache(maxsize=4)
def _driver_insert(dialect: str) -> str:
    """The record's INSERT in the driver's own parameter style, returning the new id."""
    marks = ", ".join(["?" if dialect == "sqlite" else "%s"] * len(_COLUMNS))
    return (f"INSERT INTO audit_records ({', '.join(_COLUMNS)}) "  # noqa: S608  # constants
            f"VALUES ({marks}) RETURNING id")


def _driver_values(entry: AuditEntry, dialect: str) -> list[object]:
    """:func:`_values` as SQLAlchemy's types would bind them: the instant in UTC (SQLite: its
    text form), the documents as JSON (``null`` when there are none)."""
    values = _values(entry)
    at = entry.at.astimezone(UTC)
    if dialect == "sqlite":
        values["at"] = at.strftime("%Y-%m-%d %H:%M:%S.%f")
        values["documents"] = json.dumps(values["documents"])
    else:
        from psycopg.types.json import Jsonb

        values["at"], values["documents"] = at, Jsonb(values["documents"])
    return [values[c] for c in _COLUMNS]


def write(engine: Engine, entry: AuditEntry) -> int:
    """Insert and commit one audit record; its id. Raises if it cannot be committed.

    The usual record (no further subjects) goes through the database driver itself, one
    prepared INSERT and a commit on a pooled connection: SQLAlchemy's statement and
    transaction machinery cost twice the driver's CPU for it (issue 27). The values are the
    ones SQLAlchemy would bind (``tests/store/test_audit_driver.py`` reads both back alike).
    On PostgreSQL the call gives its CPU slot back while the server makes the commit durable
    (a WAL flush: a wait, not work). SQLite in WAL mode with ``synchronous=NORMAL`` appends
    a commit to its WAL without a flush (only the commit that runs the automatic checkpoint,
    one in a few hundred, syncs the files): handing the slot over there and queueing for it
    again cost every call a thread switch and a wait behind another call's work, and measured
    slower (issue 27, docs/OPERATIONS.md).
    """
    dialect = engine.dialect.name
    if entry.subjects or dialect not in ("sqlite", "postgresql"):
        with engine.begin() as conn:
            return insert_entries(conn, [entry])[0]
    connection = engine.raw_connection()
    returned = False
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_driver_insert(dialect), _driver_values(entry, dialect))
            row = cursor.fetchone()
        finally:
            cursor.close()
        if dialect == "sqlite":  # WAL, synchronous=NORMAL: no flush to wait for, as a rule
            connection.commit()
        else:  # PostgreSQL flushes its WAL: a wait, not work
            with slots.waiting():
                # The connection goes back to the pool before the slot is taken again: a
                # thread queued for a slot holds no connection, or the slot's holder could
                # wait for a connection such threads hold, and they for the slot, until the
                # pool's timeout (it happened at 64 connections with the register far away).
                try:
                    connection.commit()
                finally:
                    returned = True
                    connection.close()
    finally:
        if not returned:
            connection.close()  # back to the pool, rolled back there if the commit failed
    assert row is not None
    return int(row[0])
