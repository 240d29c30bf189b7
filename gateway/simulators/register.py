"""A stand-in for the population register, served over HTTP for development and tests.

``gateway registry-sim --fixture FILE --host 127.0.0.1 --port N [--delay S] [--fail MODE]``
serves the committed WSDL's service from a RULES §10 fixture:

* ``POST /`` — a SOAP request, checked as X-Road wants it
  (:mod:`gateway.simulators.register_envelope`); a person not in the fixture is answered with
  ``found = false``; a broken request gets a fault;
* ``GET /?wsdl`` — the WSDL with ``soap:address`` set to this server (and ``GET /schemas/NAME``
  the schemas it imports);
* ``GET /_counters`` — the call counters as JSON, so tests can see what the cache saved.

It can be told to be slow (``delay`` seconds before each answer) or to fail (``error``: HTTP 500
with a SOAP fault; ``garbage``: HTTP 200 with a body that is not XML). It binds loopback only.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from wsgiref.types import StartResponse, WSGIEnvironment

from lxml import etree

from gateway.demo import DEMO_REGISTRY
from gateway.errors import ConfigurationError
from gateway.registry import contract
from gateway.registry.redact import pseudonym
from gateway.registry.registers import IEVP_REGISTER, PMLP_REGISTER, RegisterContract
from gateway.settings import Settings, XRoadMember
from gateway.simulators.register_envelope import (
    RequestRefused,
    answer_element,
    build_answer,
    build_fault,
    build_response,
    read_request,
)
from gateway.simulators.register_fixture import load_fixture

if TYPE_CHECKING:
    from gateway.simulators.register_server import RunningSimulator

__all__ = ["FailMode", "RegisterSimulator", "build_response", "run_from_cli", "start_simulator"]

log = logging.getLogger(__name__)

GARBAGE = b"\x00\x01 this is not XML <<< \xff"
_XML = "text/xml; charset=utf-8"


class SimulatedFixture(Protocol):
    """What a simulated register knows: records by personal code (11 digits)."""

    @property
    def records(self) -> Mapping[str, Any]: ...

    def find(self, digits: str) -> Any: ...


class FailMode(StrEnum):
    """How the simulator misbehaves: not at all, with HTTP 500 faults, or with garbage."""

    NONE = "none"
    ERROR = "error"
    GARBAGE = "garbage"


class RegisterSimulator:
    """The WSGI application. ``delay`` and ``fail`` may be changed while it serves.

    Counters (read them with :meth:`counters`): ``calls`` every POST, ``answers`` the register
    answers given, ``faults`` the faults, and ``by_subject`` answers per personal code.
    """

    def __init__(
        self,
        fixture: SimulatedFixture,
        service: XRoadMember,
        *,
        delay: float = 0.0,
        fail: FailMode = FailMode.NONE,
        register: RegisterContract = PMLP_REGISTER,
        answer: Callable[[Any], etree._Element] = answer_element,
    ) -> None:
        self.fixture = fixture
        self.service = service
        self.register = register
        self.answer = answer
        """Builds the body element from what the fixture found (or ``None``)."""
        self.delay = delay
        self.fail = fail
        self.base_url = "http://127.0.0.1:8081/"
        """Where this simulator is reached; the server sets it once bound."""
        self.stopping = threading.Event()
        """Set on shutdown: cuts delays short, the delayed requests unanswered (HTTP 503)."""
        self.last_request: bytes | None = None
        """The last POSTed message, as received (tests validate its headers)."""
        self._lock = threading.Lock()
        self._calls = self._answers = self._faults = 0
        self._by_subject: Counter[str] = Counter()

    def counters(self) -> dict[str, object]:
        """A snapshot of the call counters."""
        with self._lock:
            return {
                "calls": self._calls,
                "answers": self._answers,
                "faults": self._faults,
                "by_subject": dict(self._by_subject),
            }

    def reset_counters(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._calls = self._answers = self._faults = 0
            self._by_subject.clear()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        if method == "POST" and path == "/":
            status, content_type, body = self._post(environ)
        elif method == "GET":
            status, content_type, body = self._get(path, environ.get("QUERY_STRING", ""))
        else:
            status, content_type, body = "405 Method Not Allowed", "text/plain", b"POST or GET\n"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def _get(self, path: str, query: str) -> tuple[str, str, bytes]:
        if path == "/" and query.lower() == "wsdl":
            text = self.register.wsdl.read_text(encoding="utf-8")
            text = text.replace(f'location="{self.register.placeholder}"',
                                f'location="{self.base_url}"')
            return "200 OK", _XML, text.encode("utf-8")
        schemas = {f"/schemas/{p.name}": p for p in self.register.files[1:]}
        if path in schemas:
            return "200 OK", _XML, schemas[path].read_bytes()
        if path == "/_counters":
            return "200 OK", "application/json", json.dumps(self.counters()).encode("utf-8")
        return "404 Not Found", "text/plain", b"not found\n"

    def _post(self, environ: WSGIEnvironment) -> tuple[str, str, bytes]:
        with self._lock:
            self._calls += 1
        try:
            length = int(environ.get("CONTENT_LENGTH") or "-1")
        except ValueError:
            length = -1
        if not 0 <= length <= contract.MAX_MESSAGE_BYTES:
            return self._fault("Client.InvalidRequest", "a Content-Length up to 256 KiB is needed")
        data = environ["wsgi.input"].read(length)
        self.last_request = data
        if self.delay > 0 and self.stopping.wait(self.delay):
            # Shut down before the delay ran out: a slow register never answered this one, so
            # neither does its stand-in (an answer now would come sooner than "slow" promises).
            return "503 Service Unavailable", "text/plain", b"shutting down\n"
        if self.fail is FailMode.ERROR:
            return self._fault("Server.RegisterError", "the register failed (simulated)")
        if self.fail is FailMode.GARBAGE:
            return "200 OK", _XML, GARBAGE
        try:
            request = read_request(data, self.service, self.register)
        except RequestRefused as exc:
            log.info("refused a request: %s", exc.faultcode)
            return self._fault(exc.faultcode, exc.faultstring)
        record = self.fixture.find(request.personal_code)
        with self._lock:
            self._answers += 1
            self._by_subject[request.personal_code] += 1
        log.debug("answered %s: found=%s", pseudonym(request.personal_code), record is not None)
        return "200 OK", _XML, build_answer(request, self.answer(record))

    def _fault(self, code: str, text: str) -> tuple[str, str, bytes]:
        with self._lock:
            self._faults += 1
        return "500 Internal Server Error", _XML, build_fault(code, text)


def check_loopback(host: str) -> str:
    """Refuse any address but a loopback one: the simulator is never exposed."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ConfigurationError(f"registry-sim binds loopback addresses only, not {host!r}")


def start_simulator(
    fixture: SimulatedFixture,
    service: XRoadMember,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    delay: float = 0.0,
    fail: FailMode = FailMode.NONE,
    register: RegisterContract = PMLP_REGISTER,
    answer: Callable[[Any], etree._Element] = answer_element,
) -> RunningSimulator:
    """Serve a simulator in a background thread (port 0: any free port); stop it when done."""
    from gateway.simulators.register_server import serve_in_thread

    app = RegisterSimulator(fixture, service, delay=delay, fail=fail, register=register,
                            answer=answer)
    return serve_in_thread(app, check_loopback(host), port)


def start_prison_simulator(fixture: SimulatedFixture, service: XRoadMember, **options: Any
                           ) -> RunningSimulator:
    """The Prison Administration's register, simulated by the same server (issue 12)."""
    from gateway.simulators.prison_fixture import prison_answer_element

    return start_simulator(fixture, service, register=IEVP_REGISTER,
                           answer=prison_answer_element, **options)


def run_from_cli(args: argparse.Namespace, settings: Settings) -> int:
    """``gateway registry-sim [--register pmlp|ievp]``: serve until interrupted (Ctrl-C,
    SIGINT, or SIGTERM); 0.

    The stop signals are caught before the "serving on" line is printed: whoever starts the
    simulator may stop it the moment it has read that line. (With Python's default
    KeyboardInterrupt, a SIGINT landing between the line and the wait escaped as a traceback.)
    """
    options: dict[str, Any] = {"host": args.host, "port": args.port,
                               "delay": max(0.0, float(args.delay)), "fail": FailMode(args.fail)}
    fixture: SimulatedFixture
    if getattr(args, "register", "pmlp") == "ievp":
        from gateway.demo import DEMO_PRISON
        from gateway.simulators.prison_fixture import load_prison_fixture

        fixture = load_prison_fixture(args.fixture or DEMO_PRISON)
    else:
        fixture = load_fixture(args.fixture or DEMO_REGISTRY)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    if getattr(args, "register", "pmlp") == "ievp":
        running = start_prison_simulator(fixture, settings.prison_registry_service, **options)
    else:
        running = start_simulator(fixture, settings.registry_service, **options)
    try:
        sys.stdout.write(f"register simulator serving on {running.url}\n")
        sys.stdout.flush()
        log.info(
            "register simulator: %d persons, delay %.1fs, fail=%s",
            len(fixture.records),
            running.app.delay,
            running.app.fail.value,
        )
        while not stop.wait(timeout=0.5) and running.thread.is_alive():
            pass
        log.info("register simulator stopping")
    finally:
        running.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
