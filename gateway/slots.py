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
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class CpuSlots:
    """``size`` slots handed out in order of asking; knows which threads hold one.

    Fair by construction: a slot given back goes straight to the longest waiting thread (a
    plain :class:`threading.Semaphore` lets a newcomer take it first, and a thread that lost
    the race queues again at the back: under load some calls then wait for seconds). A call
    coming back from a register goes to the front of the queue: it has waited already.
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("cpu_slots must not be negative")
        self.size = size
        self._free = size
        self._lock = threading.Lock()
        self._queue: deque[threading.Lock] = deque()
        self._local = threading.local()

    @property
    def holding(self) -> bool:
        """Whether the current thread holds a slot."""
        return bool(getattr(self._local, "held", False))

    def _acquire(self, *, front: bool) -> None:
        with self._lock:
            if self._free and not self._queue:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            if front:
                self._queue.appendleft(turn)
            else:
                self._queue.append(turn)
        turn.acquire()  # released by the thread that hands its slot over

    def _release(self) -> None:
        with self._lock:
            if self._queue:
                self._queue.popleft().release()  # the slot passes on, never free in between
            else:
                self._free += 1

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold a slot for the block (re-entrant: a thread that holds one keeps it)."""
        if not self.size or self.holding:
            yield
            return
        self._acquire(front=False)
        self._local.held = True
        try:
            yield
        finally:
            self._local.held = False
            self._release()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Give the slot back for the block (a wait on another service), then take one again,
        ahead of the calls that have not started."""
        if not self.size or not self.holding:
            yield
            return
        self._local.held = False
        self._release()
        try:
            yield
        finally:
            self._acquire(front=True)
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
