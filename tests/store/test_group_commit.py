"""Audit group commit (RULES §7): every record is durable when ``write`` returns; records that
wait while another commit runs go together in the next one; a failed commit fails its whole
group; a record not committed in time raises."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, func, select

from gateway.store.audit import AuditEntry
from gateway.store.group_commit import AuditNotCommitted, GroupCommit
from gateway.store.models import AuditRecord

NOW = datetime(2026, 7, 11, 5, 0, tzinfo=UTC)


def entry(n: int, service: str = "getExamResults") -> AuditEntry:
    return AuditEntry(at=NOW, service=service, message_id=f"group-{n}", outcome="allowed")


def stored(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {m for m in conn.scalars(select(AuditRecord.message_id)) if m}


@contextmanager
def slow_commits(engine: Engine, seconds: float) -> Iterator[None]:
    """Every commit takes ``seconds`` longer, so that writers arriving meanwhile wait."""

    def slow(_conn: object) -> None:
        time.sleep(seconds)

    event.listen(engine, "commit", slow)
    try:
        yield
    finally:
        event.remove(engine, "commit", slow)


def test_alone_a_record_is_committed_at_once(engine: Engine) -> None:
    groups: list[int] = []
    writer = GroupCommit(engine, on_commit=groups.append)
    record_id = writer.write(entry(1))
    with engine.connect() as conn:
        assert conn.scalar(select(AuditRecord.message_id).where(AuditRecord.id == record_id)) \
            == "group-1"
    assert groups == [1]


def test_concurrent_records_share_commits_and_each_is_durable_on_return(
    engine: Engine,
) -> None:
    groups: list[int] = []
    writer = GroupCommit(engine, on_commit=groups.append)
    seen_on_return: list[bool] = []
    lock = threading.Lock()

    def work(thread: int) -> None:
        for n in range(10):
            message = thread * 100 + n
            record_id = writer.write(entry(message))
            with engine.connect() as conn:  # another connection sees it: it is committed
                found = conn.scalar(select(AuditRecord.message_id)
                                    .where(AuditRecord.id == record_id))
            with lock:
                seen_on_return.append(found == f"group-{message}")

    with slow_commits(engine, 0.02):
        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert len(seen_on_return) == 60 and all(seen_on_return)
    assert sum(groups) == 60
    assert max(groups) > 1, "records that waited were committed together"
    assert len(groups) < 60
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditRecord)) == 60


def test_a_failed_commit_fails_every_record_of_its_group(engine: Engine) -> None:
    writer = GroupCommit(engine)
    outcomes: dict[str, str] = {}

    def attempt(name: str, record: AuditEntry) -> None:
        try:
            writer.write(record)
            outcomes[name] = "committed"
        except Exception:
            outcomes[name] = "failed"

    bad = entry(2)
    bad.outcome = None  # type: ignore[assignment]  # NOT NULL: the insert fails
    with slow_commits(engine, 0.3):
        first = threading.Thread(target=attempt, args=("first", entry(1)))
        first.start()
        time.sleep(0.1)  # the first commit is running; the next two wait and go together
        rest = [threading.Thread(target=attempt, args=("bad", bad)),
                threading.Thread(target=attempt, args=("good", entry(3)))]
        for t in rest:
            t.start()
        for t in [first, *rest]:
            t.join(timeout=30)
    assert outcomes == {"first": "committed", "bad": "failed", "good": "failed"}
    assert stored(engine) == {"group-1"}


def test_a_record_not_committed_in_time_raises(engine: Engine) -> None:
    writer = GroupCommit(engine, wait_seconds=0.2)
    with slow_commits(engine, 1.0):
        first = threading.Thread(target=writer.write, args=(entry(1),))
        first.start()
        time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(AuditNotCommitted):
            writer.write(entry(2))
        assert time.monotonic() - started < 0.9
        first.join(timeout=30)
    assert stored(engine) == {"group-1"}
