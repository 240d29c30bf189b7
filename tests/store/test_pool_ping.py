"""Pooled PostgreSQL connections are pinged before use only after resting in the pool
(``gateway.store.db``): a connection that died while resting is replaced before a call uses it,
and a connection back moments ago is handed out without a round trip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gateway.store import db
from tests.conftest import PG_URL, fresh_pg_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    with fresh_pg_schema("gw_ping") as url:
        engine = db.create_engine_from_url(url, pool_size=1)
        try:
            yield engine
        finally:
            engine.dispose()


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))  # type: ignore[arg-type]


def _count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pings: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_a_connection_back_moments_ago_is_handed_out_without_a_ping(
        pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _count_pings(pg_engine, monkeypatch)
    first = _backend(pg_engine)
    assert [_backend(pg_engine) for _ in range(5)] == [first] * 5  # the one pooled connection
    assert pings == []


def test_a_connection_that_rested_is_pinged(
        pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _count_pings(pg_engine, monkeypatch)
    first = _backend(pg_engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend(pg_engine) == first
    assert len(pings) == 1


def test_a_connection_that_died_while_resting_is_replaced_before_use(
        pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _backend(pg_engine)
    admin = db.create_engine_from_url(PG_URL)
    try:
        with admin.connect() as conn:  # the server ends the resting connection's session
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    finally:
        admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend(pg_engine) != first  # no error: the dead one was found and replaced
