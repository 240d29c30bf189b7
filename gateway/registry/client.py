"""The population register client (RULES §2, §3): who represents whom, and birth dates.

One :class:`RegistryClient` per process: the request template, the cache and the HTTP
connection pool are shared by all requests. Each call goes through the lean
:class:`~gateway.registry.caller.RegisterCaller` — the request filled into a template prepared
once, one bounded POST, the answer validated against the committed schemas and read with lxml
(:func:`~gateway.registry.answer.record_from_answer`) — and carries the X-Road v4.0 headers
(PR-MESS §2.4): ``client`` = our subsystem (``settings.xroad_self``), ``service`` = the
register's ``getPersonRepresentation`` v1 (``settings.registry_service``), a fresh ``id``, the
``userId`` of the person at the keyboard, ``protocolVersion`` 4.0. zeep is not used at run
time; the tests prove with zeep that the requests and answers agree with
``wsdl/pmlp-representation.wsdl``.

Answers — a record or "not found" — are cached per subject for ``registry_cache_ttl`` seconds
(the answer does not depend on who asks). Concurrent questions about one subject share one call.
Every failure raises :class:`~gateway.errors.RegistryUnavailable`, whose ``attrs["failure"]`` is
a :class:`RegistryFailure`; nothing is cached from a failure and nothing is guessed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from gateway import metrics, slots
from gateway.domain.mandate import RegisterRecord
from gateway.domain.personal_code import PersonalCode
from gateway.errors import RegistryUnavailable
from gateway.registry.answer import record_from_answer
from gateway.registry.cache import CacheStats, TTLCache
from gateway.registry.caller import RegisterCaller
from gateway.registry.failure import RegistryFailure, classify
from gateway.registry.registers import PMLP_REGISTER
from gateway.settings import Settings

__all__ = ["RegistryClient", "RegistryFailure", "classify", "registry_unavailable"]


def registry_unavailable(failure: RegistryFailure) -> RegistryUnavailable:
    """The error raised for ``failure``; ``detail`` is its value, ``attrs["failure"]`` itself."""
    return RegistryUnavailable(failure.value, failure=failure)


class _Flight:
    """One call in progress, shared by every thread asking about the same subject."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answered = False  # stays False unless the register really answered
        self.record: RegisterRecord | None = None
        self.failure = RegistryFailure.MALFORMED


class RegistryClient:
    """The register as the gateway sees it. Thread-safe; make one per process.

    ``clock`` (seconds, never backwards) drives the cache's TTL; tests pass a fake one.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.caller = RegisterCaller(
            PMLP_REGISTER, settings.registry_url, settings.registry_service, settings,
            reader=record_from_answer, unavailable=RegistryUnavailable,
        )
        self.cache: TTLCache[str, RegisterRecord | None] = TTLCache(
            maxsize=settings.registry_cache_size, ttl=settings.registry_cache_ttl, clock=clock
        )
        self._flights: dict[str, _Flight] = {}
        self._flights_lock = threading.Lock()

    def lookup(self, subject: PersonalCode, *, user_id: PersonalCode) -> RegisterRecord | None:
        """What the register says of ``subject``: a record, or ``None`` when it has none.

        ``user_id`` is the person at the keyboard (the X-Road ``userId``). Raises
        :class:`~gateway.errors.RegistryUnavailable` when there is no trustworthy answer.
        """
        key = subject.digits
        hit = self.cache.get(key)
        if hit is not None:
            metrics.REGISTRY_CACHE.labels("hit").inc()
            return hit.value
        metrics.REGISTRY_CACHE.labels("miss").inc()
        with self._flights_lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            return self._follow(flight)
        try:
            flight.record = self.caller.call(subject, user_id)
            flight.answered = True
            self.cache.put(key, flight.record)
            return flight.record
        except RegistryUnavailable as exc:
            failure = exc.attrs.get("failure")
            if isinstance(failure, RegistryFailure):
                flight.failure = failure
            raise
        finally:
            with self._flights_lock:
                del self._flights[key]
            flight.done.set()

    def _follow(self, flight: _Flight) -> RegisterRecord | None:
        with slots.waiting():
            answered_in_time = flight.done.wait(self.caller.deadline + 1.0)
        if not answered_in_time:
            raise registry_unavailable(RegistryFailure.TIMEOUT)
        if not flight.answered:
            raise registry_unavailable(flight.failure)
        return flight.record

    def cache_stats(self) -> CacheStats:
        """The cache's counters (hits, misses, evictions, size …)."""
        return self.cache.stats()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.caller.close()

