"""The register down, late or talking nonsense: refused, "try again later", nothing cached."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gateway.domain.mandate import Decision, Reason
from gateway.errors import RegistryUnavailable
from gateway.registry.client import RegistryClient, RegistryFailure
from gateway.registry.mandate_service import check_mandate
from gateway.simulators.register import FailMode, start_simulator
from gateway.simulators.register_fixture import RegisterFixture
from gateway.simulators.register_server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import NOW, REGISTER, make_settings

UNAVAILABLE = Decision.refuse(Reason.REGISTRY_UNAVAILABLE)
MARGIN = 1.0
"""Seconds a refusal may take beyond the configured timeouts."""


def _calls(simulator: RunningSimulator) -> int:
    calls = simulator.app.counters()["calls"]
    assert isinstance(calls, int)
    return calls


def _refused_in_time(client: RegistryClient, failure: RegistryFailure) -> float:
    """Ask about Anna for her mother; assert the refusal and its failure; the seconds taken."""
    started = time.monotonic()
    assert check_mandate(client, p.MOTHER, p.ANNA, NOW) == UNAVAILABLE
    elapsed = time.monotonic() - started
    with pytest.raises(RegistryUnavailable) as caught:
        client.lookup(p.ANNA, user_id=p.MOTHER)
    assert caught.value.attrs["failure"] is failure
    assert len(client.cache) == 0
    return elapsed


@pytest.mark.parametrize(
    ("mode", "failure"),
    [
        pytest.param(FailMode.ERROR, RegistryFailure.FAULT, id="http-500-fault"),
        pytest.param(FailMode.GARBAGE, RegistryFailure.MALFORMED, id="garbage"),
    ],
)
def test_failing_register_refuses_and_caches_nothing(
    registry: RegistryClient, simulator: RunningSimulator, mode: FailMode, failure: RegistryFailure
) -> None:
    simulator.app.fail = mode
    _refused_in_time(registry, failure)
    assert _calls(simulator) == 2

    simulator.app.fail = FailMode.NONE  # the register is back: the next call is made
    assert check_mandate(registry, p.MOTHER, p.ANNA, NOW) == Decision.allow(
        Reason.PARENT_WITH_CUSTODY
    )
    assert _calls(simulator) == 3


def test_slow_register_is_cut_off_at_the_timeout(
    simulator: RunningSimulator, family: RegisterFixture
) -> None:
    settings = make_settings(simulator.url, registry_connect_timeout=0.5, registry_read_timeout=0.5)
    client = RegistryClient(settings)
    simulator.app.delay = 3.0
    elapsed = _refused_in_time(client, RegistryFailure.TIMEOUT)
    assert 0.5 <= elapsed < 0.5 + MARGIN

    simulator.app.delay = 0.0
    assert check_mandate(client, p.MOTHER, p.ANNA, NOW).allowed
    client.close()


def test_stopped_register_is_unreachable(family: RegisterFixture) -> None:
    first = start_simulator(family, REGISTER)
    port = first.port
    client = RegistryClient(make_settings(first.url))
    first.stop()

    elapsed = _refused_in_time(client, RegistryFailure.UNREACHABLE)
    assert elapsed < 1.0 + MARGIN

    with start_simulator(family, REGISTER, port=port) as again:  # back on the same port
        assert check_mandate(client, p.MOTHER, p.ANNA, NOW).allowed
        assert again.app.counters()["answers"] == 1
    client.close()


# --- a register that drips its answer, or sends too much -----------------------------------


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _handler(write_body: Callable[[BaseHTTPRequestHandler], None]) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            with contextlib.suppress(OSError):  # the client hung up, as it should
                write_body(self)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _drip(handler: BaseHTTPRequestHandler) -> None:
    for _ in range(40):  # one byte every 0.2 s: each read is in time, the whole is not
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.2)


def _flood(handler: BaseHTTPRequestHandler) -> None:
    for _ in range(64):  # 4 MiB of a well-formed-looking start
        handler.wfile.write(b"<a>" + b" " * 65533)


@pytest.mark.parametrize(
    ("body", "failure"),
    [
        pytest.param(_drip, RegistryFailure.TIMEOUT, id="drip-feed"),
        pytest.param(_flood, RegistryFailure.MALFORMED, id="too-large"),
    ],
)
def test_answer_is_bounded_in_time_and_size(
    body: Callable[[BaseHTTPRequestHandler], None], failure: RegistryFailure
) -> None:
    for url in _serve(_handler(body)):
        client = RegistryClient(
            make_settings(url, registry_connect_timeout=0.5, registry_read_timeout=0.5)
        )
        elapsed = _refused_in_time(client, failure)
        assert elapsed < 1.0 + MARGIN
        client.close()


def test_concurrent_questions_share_one_call(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    simulator.app.delay = 0.3
    results: list[object] = []

    def ask() -> None:
        results.append(registry.lookup(p.ANNA, user_id=p.MOTHER))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert simulator.app.counters()["answers"] == 1


def test_concurrent_questions_share_one_failure(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    simulator.app.delay = 0.3
    simulator.app.fail = FailMode.ERROR
    failures: list[object] = []

    def ask() -> None:
        try:
            registry.lookup(p.ANNA, user_id=p.MOTHER)
        except RegistryUnavailable as exc:
            failures.append(exc.attrs["failure"])

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert failures == [RegistryFailure.FAULT] * 4
    assert _calls(simulator) == 1
    assert len(registry.cache) == 0


def test_nothing_listens_on_a_closed_port() -> None:
    """Sanity check of the 'stopped' test's premise: a freed port refuses connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_a_slow_register_that_stops_leaves_its_waiting_calls_unanswered(
    family: RegisterFixture,
) -> None:
    """The simulator's shutdown cuts a delay short without answering: the waiting call is
    refused, never allowed by an answer that came sooner than the register's "slow" promised."""
    with start_simulator(family, REGISTER, delay=30.0) as slow:
        client = RegistryClient(make_settings(slow.url, registry_connect_timeout=1.0,
                                              registry_read_timeout=10.0))
        outcome: list[object] = []

        def ask() -> None:
            try:
                outcome.append(check_mandate(client, p.MOTHER, p.ANNA, NOW))
            except Exception as exc:  # the outcome is what is asserted
                outcome.append(exc)

        waiting = threading.Thread(target=ask)
        waiting.start()
        time.sleep(0.5)  # the call is waiting inside the simulator's delay
        slow.stop()
        waiting.join(timeout=10)
        client.close()
    assert outcome == [Decision(False, Reason.REGISTRY_UNAVAILABLE)]
    assert slow.app.counters()["answers"] == 0
