"""Audit records committed in groups (RULES §7 unchanged: no answer before its record is durable).

Every call of a worker's threads hands its record to :meth:`GroupCommit.write` and returns only
once a transaction holding it has committed. While one thread commits, records arriving from
the others wait; the next of them to run commits all that waited, in one transaction: under
load several records share one commit (one fsync), and alone a record is committed at once, as
before. No background thread (nothing to survive a fork), and a bounded wait: a record that
is not committed in time raises, so the call answers with an internal error and no answer
leaves without its record. A failed commit fails every record of its group.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from gateway.store.audit import AuditEntry, insert_entries

__all__ = ["AuditNotCommitted", "GroupCommit"]


class AuditNotCommitted(RuntimeError):
    """The record was not committed within the wait."""


@dataclass(slots=True)
class _Slot:
    entry: AuditEntry
    done: bool = False
    record_id: int | None = None
    error: BaseException | None = None


class GroupCommit:
    """One per process; ``write`` is safe to call from any number of threads."""

    def __init__(self, engine: Engine, *, max_group: int = 64, wait_seconds: float = 10.0,
                 on_commit: Callable[[int], None] | None = None) -> None:
        self._engine = engine
        self._max_group = max_group
        self._wait = wait_seconds
        self._on_commit = on_commit
        self._cond = threading.Condition()
        self._pending: list[_Slot] = []
        self._committing = False

    def write(self, entry: AuditEntry) -> int:
        """Commit ``entry`` (with whatever waits beside it); its id once it is durable."""
        slot = _Slot(entry)
        deadline = time.monotonic() + self._wait
        with self._cond:
            self._pending.append(slot)
            while not slot.done and self._committing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._abandon(slot)
                    raise AuditNotCommitted("audit record not committed in time")
                self._cond.wait(remaining)
            if slot.done:
                return self._result(slot)
            self._committing = True  # this thread commits the group
            group, self._pending = (self._pending[: self._max_group],
                                    self._pending[self._max_group:])
        try:
            with self._engine.begin() as conn:
                ids = insert_entries(conn, [s.entry for s in group])
        except BaseException as exc:  # every record of the group fails with it
            for member in group:
                member.error = exc
        else:
            for member, record_id in zip(group, ids, strict=True):
                member.record_id = record_id
            if self._on_commit is not None:
                self._on_commit(len(group))
        finally:
            with self._cond:
                for member in group:
                    member.done = True
                self._committing = False
                self._cond.notify_all()
        return self._result(slot)

    def _abandon(self, slot: _Slot) -> None:
        if slot in self._pending:
            self._pending.remove(slot)

    @staticmethod
    def _result(slot: _Slot) -> int:
        if slot.error is not None:
            raise slot.error
        assert slot.record_id is not None
        return slot.record_id
