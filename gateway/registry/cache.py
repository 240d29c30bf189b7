"""A small bounded, thread-safe cache with a time-to-live, for the register's answers.

The gateway asks the register about the same family many times in a short while (a parent
opening results, then certificates, then a document). The cache keeps each answer — a record or
"not found" — for ``ttl`` seconds, and at most ``maxsize`` answers, dropping the least recently
used. Failures are never put in it: callers store only what the register actually said.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Hit(Generic[V]):
    """A value found in the cache (the value itself may be ``None``: "not found" is an answer)."""

    value: V


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made."""

    hits: int
    misses: int
    stores: int
    evictions: int  # dropped to stay within maxsize
    expirations: int  # found too old on a lookup
    size: int


class TTLCache(Generic[K, V]):
    """A least-recently-used map whose entries expire ``ttl`` seconds after they were stored.

    ``maxsize == 0`` or ``ttl == 0`` turns caching off. ``clock`` returns seconds and never goes
    backwards (:func:`time.monotonic`; tests inject a fake one).
    """

    def __init__(
        self, *, maxsize: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if maxsize < 0 or ttl < 0:
            raise ValueError("maxsize and ttl must not be negative")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._hits = self._misses = self._stores = self._evictions = self._expirations = 0

    def get(self, key: K) -> Hit[V] | None:
        """The fresh value stored under ``key``, or ``None`` when there is none."""
        now = self._clock()
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and now < entry[0]:
                self._data.move_to_end(key)
                self._hits += 1
                return Hit(entry[1])
            if entry is not None:
                del self._data[key]
                self._expirations += 1
            self._misses += 1
            return None

    def put(self, key: K, value: V) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, evicting the oldest if full."""
        if self.maxsize == 0 or self.ttl == 0:
            return
        expires = self._clock() + self.ttl
        with self._lock:
            self._data[key] = (expires, value)
            self._data.move_to_end(key)
            self._stores += 1
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
                self._evictions += 1

    def clear(self) -> None:
        """Forget every entry (the counters stay)."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` has an entry, fresh or not (for tests; counts nothing)."""
        with self._lock:
            return key in self._data

    def stats(self) -> CacheStats:
        """A snapshot of the counters."""
        with self._lock:
            return CacheStats(
                hits=self._hits,
                misses=self._misses,
                stores=self._stores,
                evictions=self._evictions,
                expirations=self._expirations,
                size=len(self._data),
            )
