"""The audit record written through the database driver (issue 27) is the record SQLAlchemy
writes: every column read back alike, on SQLite and PostgreSQL, committed when ``write``
returns (RULES §7), its id returned; a record naming further subjects keeps those too."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from gateway import slots
from gateway.store import audit
from gateway.store.models import AuditRecord, AuditSubject

RIGA_SUMMER = timezone(timedelta(hours=3))


def _entry(message_id: str, **changes: object) -> audit.AuditEntry:
    entry = audit.AuditEntry(
        at=datetime(2026, 7, 11, 8, 0, 0, 0, tzinfo=RIGA_SUMMER), service="listDocuments",
        message_id=message_id, client="LV/GOV/90000026101/LVPORTAALS",
        requester_code="12047512344", subject_code="01051021114", outcome="allowed",
        reason="parent", documents=["2024/301949081206-FRA09", "2024/301949081206-ENG01"],
        accessor_kind="representative", accessor_name="Inese Bērziņa")
    for name, value in changes.items():
        setattr(entry, name, value)
    return entry


def _row(engine: Engine, record_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        record = conn.execute(select(AuditRecord).where(AuditRecord.id == record_id)).one()
    values = dict(record._mapping)
    values.pop("id")
    values.pop("message_id")
    return values


@pytest.mark.parametrize("changes", [
    {},
    {"documents": [], "accessor_kind": None, "accessor_name": None, "reason": None},
    {"at": datetime(2026, 12, 6, 2, 0, 0, 0, tzinfo=RIGA_SUMMER), "outcome": "refused",
     "subject_code": None, "client": "x" * 400},
], ids=["allowed-with-documents", "no-documents", "refused-whole-second-clipped"])
def test_the_driver_writes_what_sqlalchemy_writes(engine: Engine,
                                                  changes: dict[str, object]) -> None:
    by_driver = audit.write(engine, _entry("driver", **changes))
    with engine.begin() as conn:
        by_sqlalchemy = audit.insert_entries(conn, [_entry("sqlalchemy", **changes)])[0]
    assert by_driver != by_sqlalchemy
    assert _row(engine, by_driver) == _row(engine, by_sqlalchemy)
    with engine.connect() as conn:
        read = conn.execute(select(AuditRecord).where(AuditRecord.id == by_driver)).one()
    assert read.at == _entry("x", **changes).at  # the same instant, aware, on either database


def test_the_record_is_committed_when_write_returns(engine: Engine) -> None:
    record_id = audit.write(engine, _entry("committed"))
    with engine.connect() as conn:  # another connection sees it
        assert conn.scalar(select(AuditRecord.message_id).where(
            AuditRecord.id == record_id)) == "committed"


def test_further_subjects_are_written_with_their_record(engine: Engine) -> None:
    entry = _entry("school", subjects=["01051021114", "11111126161", "01051021114"])
    record_id = audit.write(engine, entry)
    with engine.connect() as conn:
        codes = list(conn.scalars(select(AuditSubject.subject_code)
                                  .where(AuditSubject.audit_id == record_id)
                                  .order_by(AuditSubject.id)))
    assert codes == ["01051021114", "11111126161"]


def test_the_slot_is_given_back_for_a_postgresql_commit_only(engine: Engine) -> None:
    """PostgreSQL's commit waits for its WAL flush: the call's CPU slot goes to another call
    meanwhile. SQLite's commit in WAL mode with synchronous=NORMAL flushes nothing as a rule:
    giving the slot away there only queued the call behind another one (issue 27)."""
    previous = slots.SLOTS
    one = slots.configure(1)
    given_back: list[bool] = []
    waiting = one.waiting

    def recorded() -> AbstractContextManager[None]:
        given_back.append(one.holding)
        return waiting()

    one.waiting = recorded  # type: ignore[method-assign]
    try:
        with one.held():
            audit.write(engine, _entry("slot"))
            assert one.holding
    finally:
        slots.SLOTS = previous
    assert given_back == ([True] if engine.dialect.name == "postgresql" else [])


def test_a_call_queued_for_the_slot_holds_no_connection(engine: Engine) -> None:
    """While a call's record is committed on PostgreSQL another call takes the slot; when the
    first queues for the slot again it has given its connection back, so the slot's holder
    never waits for a connection that a thread queued behind it holds (a deadlock until the
    pool's timeout, seen at 64 connections with the register far away). One slot, a pool of
    one connection: the second call gets that connection while the first waits."""
    small = create_engine(engine.url.render_as_string(hide_password=False), pool_size=1,
                          max_overflow=0, pool_timeout=3)
    previous = slots.SLOTS
    one = slots.configure(1)
    first_waits, outcome = threading.Event(), {}
    waiting = one.waiting

    @contextmanager
    def handed_over() -> Iterator[None]:
        first_waits.set()
        time.sleep(0.2)  # the second call queues for the slot meanwhile
        with waiting():
            yield

    def first() -> None:
        with one.held():
            outcome["first"] = audit.write(small, _entry("first"))

    def second() -> None:
        first_waits.wait(5)
        with one.held():  # handed over by the first call's commit (on PostgreSQL)
            time.sleep(0.3)  # the first call's commit is done: it queues for the slot now
            try:
                with small.connect() as conn:
                    outcome["second"] = conn.scalar(select(func.count(AuditRecord.id)))
            except SQLAlchemyError as exc:
                outcome["second"] = exc

    one.waiting = handed_over  # type: ignore[method-assign]
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
        if engine.dialect.name != "postgresql":  # the slot is kept through SQLite's commit
            threads[0].join(10)
            first_waits.set()
        for thread in threads:
            thread.join(10)
    finally:
        slots.SLOTS = previous
        small.dispose()
    assert not any(thread.is_alive() for thread in threads)
    assert isinstance(outcome["first"], int)
    assert isinstance(outcome["second"], int), outcome["second"]
