"""Reads in autocommit (``gateway.store.db.reading``), writes in transactions, on one pool:
a connection that served a read goes back to transactions, so a write stays all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, func, select

from gateway.store import audit
from gateway.store.db import reading, upgrade
from gateway.store.models import AuditRecord


def _open_transaction(conn: object) -> bool:
    """Whether the database connection has a transaction open (not SQLAlchemy's view)."""
    dbapi = conn.connection.dbapi_connection  # type: ignore[attr-defined]
    if hasattr(dbapi, "info"):  # psycopg
        return bool(dbapi.info.transaction_status != TransactionStatus.IDLE)
    return bool(dbapi.in_transaction)  # sqlite3


def test_reads_open_no_transaction_and_writes_stay_transactions(engine: Engine) -> None:
    upgrade(engine)
    with reading(engine) as conn:
        assert conn.scalar(select(func.count()).select_from(AuditRecord)) == 0
        assert not _open_transaction(conn)  # no BEGIN sent, no ROLLBACK to come
    with engine.begin() as conn:  # the same pooled connection, back in transaction mode
        conn.scalar(select(func.count()).select_from(AuditRecord))
        assert _open_transaction(conn) or engine.dialect.name == "sqlite"
    entry = audit.AuditEntry(at=datetime(2026, 7, 1, tzinfo=UTC), service="getExamResults",
                             outcome="allowed")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        audit.insert_entries(conn, [entry])
        raise RuntimeError("the answer failed: nothing of it stays")
    with reading(engine) as conn:
        assert conn.scalar(select(func.count()).select_from(AuditRecord)) == 0
