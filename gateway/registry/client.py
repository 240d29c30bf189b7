"""The population register client (RULES §2, §3): who represents whom, and birth dates.

One :class:`RegistryClient` per process: zeep parses the committed WSDL once, and the cache and
the HTTP connection pool are shared by all requests. Each call carries the X-Road v4.0 headers
(PR-MESS §2.4): ``client`` = our subsystem (``settings.xroad_self``), ``service`` = the
register's ``getPersonRepresentation`` v1 (``settings.registry_service``), a fresh ``id``, the
``userId`` of the person at the keyboard, ``protocolVersion`` 4.0.

Answers — a record or "not found" — are cached per subject for ``registry_cache_ttl`` seconds
(the answer does not depend on who asks). Concurrent questions about one subject share one call.
Every failure raises :class:`~gateway.errors.RegistryUnavailable`, whose ``attrs["failure"]`` is
a :class:`RegistryFailure`; nothing is cached from a failure and nothing is guessed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from enum import StrEnum

import requests
from urllib3.exceptions import HTTPError, ReadTimeoutError
from zeep.exceptions import Fault, TransportError

from gateway import metrics, xroad
from gateway.domain.mandate import RegisterRecord
from gateway.domain.personal_code import PersonalCode
from gateway.errors import RegistryUnavailable
from gateway.registry import contract
from gateway.registry.answer import SchemaCheck, record_from_answer
from gateway.registry.cache import CacheStats, TTLCache
from gateway.registry.redact import pseudonym
from gateway.registry.transport import (
    ContractOnlyTransport,
    DeadlineExceeded,
    UnexpectedStatus,
    contract_client,
)
from gateway.settings import Settings

log = logging.getLogger(__name__)


class RegistryFailure(StrEnum):
    """Why the register gave no usable answer (``RegistryUnavailable.attrs["failure"]``)."""

    UNREACHABLE = "unreachable"  # no connection: refused, reset, DNS
    TIMEOUT = "timeout"  # no connection or no whole answer in time
    MALFORMED = "malformed"  # an answer, but not one the contract allows
    FAULT = "fault"  # the register or X-Road answered with a fault or an HTTP error


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
        self.transport = ContractOnlyTransport(
            connect_timeout=settings.registry_connect_timeout,
            read_timeout=settings.registry_read_timeout,
        )
        self._zeep = contract_client(contract.WSDL_PATH, self.transport, SchemaCheck())
        self._service = self._zeep.create_service(
            contract.BINDING.text, settings.registry_url
        )
        self.cache: TTLCache[str, RegisterRecord | None] = TTLCache(
            maxsize=settings.registry_cache_size, ttl=settings.registry_cache_ttl, clock=clock
        )
        self._flights: dict[str, _Flight] = {}
        self._flights_lock = threading.Lock()
        own, register = settings.xroad_self, settings.registry_service
        self._client_header = {
            "objectType": "SUBSYSTEM",
            "xRoadInstance": own.instance,
            "memberClass": own.member_class,
            "memberCode": own.member_code,
            "subsystemCode": own.subsystem_code,
        }
        self._service_header = {
            "objectType": "SERVICE",
            "xRoadInstance": register.instance,
            "memberClass": register.member_class,
            "memberCode": register.member_code,
            "subsystemCode": register.subsystem_code,
            "serviceCode": contract.SERVICE_CODE,
            "serviceVersion": contract.SERVICE_VERSION,
        }

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
            flight.record = self._call(subject, user_id)
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
        if not flight.done.wait(self.transport.deadline + 1.0):
            raise registry_unavailable(RegistryFailure.TIMEOUT)
        if not flight.answered:
            raise registry_unavailable(flight.failure)
        return flight.record

    def _call(self, subject: PersonalCode, user_id: PersonalCode) -> RegisterRecord | None:
        message_id = uuid.uuid4().hex
        user = "LV" + user_id.digits
        headers = {
            "client": self._client_header,
            "service": self._service_header,
            "id": message_id,
            "userId": user,
            "protocolVersion": xroad.PROTOCOL_VERSION,
        }
        started = time.monotonic()
        try:
            answer = self._service.getPersonRepresentation(
                personalCode=subject.digits, _soapheaders=headers
            )
            record = record_from_answer(
                answer, asked=subject.digits, message_id=message_id, user_id=user
            )
        except Exception as exc:  # every failure, however odd, refuses: never a guess
            failure = classify(exc)
            metrics.REGISTRY_CALLS.labels(failure.value).inc()
            log.warning(
                "register call %s about %s failed: %s (%s)",
                message_id,
                pseudonym(subject.digits),
                failure.value,
                type(exc).__name__,
            )
            log.debug("register failure detail", exc_info=True)
            raise registry_unavailable(failure) from exc
        metrics.REGISTRY_CALLS.labels("found" if record is not None else "not_found").inc()
        log.info(
            "register call %s about %s: %s in %.0f ms",
            message_id,
            pseudonym(subject.digits),
            "found" if record is not None else "not found",
            (time.monotonic() - started) * 1000,
        )
        return record

    def cache_stats(self) -> CacheStats:
        """The cache's counters (hits, misses, evictions, size …)."""
        return self.cache.stats()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.transport.session.close()


def classify(exc: BaseException) -> RegistryFailure:
    """Which :class:`RegistryFailure` an exception from a register call means."""
    if isinstance(exc, requests.Timeout | DeadlineExceeded | ReadTimeoutError | TimeoutError):
        return RegistryFailure.TIMEOUT
    if isinstance(exc, requests.ConnectionError) and any(
        isinstance(arg, ReadTimeoutError) for arg in exc.args
    ):
        return RegistryFailure.TIMEOUT  # requests' wrapping of a read timeout
    if isinstance(exc, requests.RequestException | HTTPError | OSError):
        return RegistryFailure.UNREACHABLE  # refused, reset, DNS, protocol broken mid-answer
    if isinstance(exc, Fault | UnexpectedStatus):
        return RegistryFailure.FAULT
    if isinstance(exc, TransportError) and getattr(exc, "status_code", 200) != 200:
        return RegistryFailure.FAULT  # an HTTP error without a SOAP fault (a proxy, X-Road)
    return RegistryFailure.MALFORMED  # not XML, wrong shape, failed checks, too large
