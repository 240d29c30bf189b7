"""CPU slots: how many of a worker's threads may run the gateway's Python code at once.

A register far away (an X-Road round trip, 150 ms and more) holds the thread that asked it
for the whole wait. With few threads a worker then idles while calls wait; with many, the
threads that are not waiting fight over the GIL and every call's latency grows with their
number (issue 27: 16 threads, p99 924 ms). The gateway therefore runs many threads
(``threads``) but lets only ``cpu_slots`` of them compute at a time: a call holds a slot from
the moment the WSGI application gets it until its answer is built and its audit record
committed, and gives the slot back while it waits for a register (the POST and a coalesced
call's wait), so a waiting call holds a thread, not a slot. The others queue on the slots in
arrival order instead of on the GIL.

One :class:`CpuSlots` per process (:data:`SLOTS`, set by :func:`configure` when the runtime is
built); ``cpu_slots = 0`` turns it off (every call runs at once, as before issue 27).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class CpuSlots:
    """A counting semaphore of ``size`` slots that knows which threads hold one."""

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("cpu_slots must not be negative")
        self.size = size
        self._free = threading.Semaphore(size) if size else None
        self._local = threading.local()

    @property
    def holding(self) -> bool:
        """Whether the current thread holds a slot."""
        return bool(getattr(self._local, "held", False))

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold a slot for the block (re-entrant: a thread that holds one keeps it)."""
        if self._free is None or self.holding:
            yield
            return
        self._free.acquire()
        self._local.held = True
        try:
            yield
        finally:
            self._local.held = False
            self._free.release()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Give the slot back for the block (a wait on another service), then take one again."""
        if self._free is None or not self.holding:
            yield
            return
        self._local.held = False
        self._free.release()
        try:
            yield
        finally:
            self._free.acquire()
            self._local.held = True


SLOTS = CpuSlots(0)
"""This process's slots; :func:`configure` replaces them."""


def configure(size: int) -> CpuSlots:
    """Give this process ``size`` slots (0: no limit); the new :data:`SLOTS`."""
    global SLOTS
    SLOTS = CpuSlots(size)
    return SLOTS


def held() -> AbstractContextManager[None]:
    """:meth:`CpuSlots.held` of this process's slots."""
    return SLOTS.held()


def waiting() -> AbstractContextManager[None]:
    """:meth:`CpuSlots.waiting` of this process's slots."""
    return SLOTS.waiting()
