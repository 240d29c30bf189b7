"""The register client: the X-Road headers it sends, and every answer it must refuse."""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from gateway.contracts.reader import ContractOnlyTransport
from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.errors import RegistryUnavailable
from gateway.ns import XROAD, XROAD_ID
from gateway.registry.client import RegistryClient, RegistryFailure, classify
from gateway.registry.contract import CONTRACT_FILES
from gateway.registry.failure import (
    AnswerTooLarge,
    DeadlineExceeded,
    MalformedAnswer,
    RegisterFault,
    UnexpectedStatus,
)
from gateway.simulators.register_server import RunningSimulator
from gateway.xmlsafe import UnsafeXML
from tests.registry import people as p
from tests.registry.conftest import DATA, REGISTER, US, make_settings

ANSWERS = DATA / "answers"
NS = {"xrd": XROAD, "iden": XROAD_ID}


def _headers(message: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(message)
    header = root.find("{*}Header")
    assert header is not None
    return {etree.QName(e).localname: e for e in header}


def test_lookup_reads_the_record(registry: RegistryClient) -> None:
    assert registry.lookup(p.ANNA, user_id=p.MOTHER) == RegisterRecord(
        personal_code=p.ANNA.digits,
        birth_date=date(2010, 5, 1),
        declared_of_age=False,
        representatives=(
            Representative(p.MOTHER.digits, RelationKind.PARENT, True, date(2010, 5, 1), None,
                           given_name="Inese", family_name="Bērziņa"),
            Representative(p.FATHER.digits, RelationKind.PARENT, False, date(2010, 5, 1), None,
                           given_name="Pēteris", family_name="Bērziņš"),
        ),
    )
    assert registry.lookup(p.UNKNOWN, user_id=p.MOTHER) is None


def test_no_personal_codes_in_the_log(
    registry: RegistryClient, simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    registry.lookup(p.ANNA, user_id=p.MOTHER)
    registry.lookup(p.UNKNOWN, user_id=p.MOTHER)
    simulator.stop()
    with pytest.raises(RegistryUnavailable):
        registry.lookup(p.BERTA, user_id=p.MOTHER)
    assert len(caplog.records) >= 3
    for person in (p.ANNA, p.MOTHER, p.UNKNOWN, p.BERTA):
        assert person.digits not in caplog.text and person.display not in caplog.text


def test_xroad_headers_sent(registry: RegistryClient, simulator: RunningSimulator) -> None:
    ids = []
    for subject in (p.ANNA, p.BERTA):
        registry.lookup(subject, user_id=p.MOTHER)
        assert simulator.app.last_request is not None
        headers = _headers(simulator.app.last_request)
        assert set(headers) == {"client", "service", "id", "userId", "protocolVersion"}
        ids.append(headers["id"].text or "")

        client, service = headers["client"], headers["service"]
        assert client.get(f"{{{XROAD_ID}}}objectType") == "SUBSYSTEM"
        assert [c.text for c in client] == [
            US.instance,
            US.member_class,
            US.member_code,
            US.subsystem_code,
        ]
        assert service.get(f"{{{XROAD_ID}}}objectType") == "SERVICE"
        assert [c.text for c in service] == [
            REGISTER.instance,
            REGISTER.member_class,
            REGISTER.member_code,
            REGISTER.subsystem_code,
            "getPersonRepresentation",
            "v1",
        ]
        assert headers["userId"].text == "LV" + p.MOTHER.digits
        assert headers["protocolVersion"].text == "4.0"
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids[0] != ids[1]  # a fresh id per call


# --- answers the client must refuse: served as written, with the request's id echoed ----------

ANSWER_CASES = [
    # (file, HTTP status, expected failure or None for a good answer)
    ("found.xml", 200, None),
    ("not-found.xml", 200, None),
    ("other-person.xml", 200, RegistryFailure.MALFORMED),
    ("unknown-kind.xml", 200, RegistryFailure.MALFORMED),
    ("found-maybe.xml", 200, RegistryFailure.MALFORMED),
    ("found-without-person.xml", 200, RegistryFailure.MALFORMED),
    ("not-found-with-person.xml", 200, RegistryFailure.MALFORMED),
    ("impossible-date.xml", 200, RegistryFailure.MALFORMED),
    ("validity-reversed.xml", 200, RegistryFailure.MALFORMED),
    ("representative-bad-check-digit.xml", 200, RegistryFailure.MALFORMED),
    ("represents-themselves.xml", 200, RegistryFailure.MALFORMED),
    ("custody-missing.xml", 200, RegistryFailure.MALFORMED),
    ("name-missing.xml", 200, RegistryFailure.MALFORMED),  # the register always names them
    ("name-control-character.xml", 200, RegistryFailure.MALFORMED),
    ("unknown-child.xml", 200, RegistryFailure.MALFORMED),
    ("other-element.xml", 200, RegistryFailure.MALFORMED),
    ("two-answers.xml", 200, RegistryFailure.MALFORMED),
    ("wrong-id.xml", 200, RegistryFailure.MALFORMED),
    ("wrong-user.xml", 200, RegistryFailure.MALFORMED),
    ("no-echoed-headers.xml", 200, RegistryFailure.MALFORMED),
    ("repeated-id.xml", 200, RegistryFailure.MALFORMED),
    ("doctype.xml", 200, RegistryFailure.MALFORMED),
    ("json.txt", 200, RegistryFailure.MALFORMED),
    ("soap-fault.xml", 500, RegistryFailure.FAULT),
    ("proxy-error.html", 503, RegistryFailure.FAULT),
    ("found.xml", 302, RegistryFailure.FAULT),  # redirects are not followed
    ("found.xml", 404, RegistryFailure.FAULT),
    ("not-found.xml", 500, RegistryFailure.FAULT),  # a 500 is a fault, whatever it carries
]


class _Canned:
    """What the stub register answers next."""

    path: Path = ANSWERS / "found.xml"
    status: int = 200


def _stub_handler(canned: _Canned) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = _headers(request)
            body = canned.path.read_text(encoding="utf-8")
            body = body.replace("{{ID}}", headers["id"].text or "")
            body = body.replace("{{USER_ID}}", headers["userId"].text or "")
            data = body.encode("utf-8")
            self.send_response(canned.status)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if canned.status == 302:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def stub() -> Iterator[tuple[RegistryClient, _Canned]]:
    canned = _Canned()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _stub_handler(canned))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    client = RegistryClient(
        make_settings(f"http://127.0.0.1:{server.server_address[1]}/", registry_cache_ttl=0)
    )
    try:
        yield client, canned
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize(("name", "status", "failure"), ANSWER_CASES)
def test_answers(
    stub: tuple[RegistryClient, _Canned], name: str, status: int, failure: RegistryFailure | None
) -> None:
    client, canned = stub
    canned.path, canned.status = ANSWERS / name, status
    if failure is None:
        record = client.lookup(p.ANNA, user_id=p.MOTHER)
        assert record is None or record.personal_code == p.ANNA.digits
        return
    with pytest.raises(RegistryUnavailable) as caught:
        client.lookup(p.ANNA, user_id=p.MOTHER)
    assert caught.value.attrs["failure"] is failure
    assert caught.value.faultcode == "Server.RegistryUnavailable"


_READ_TIMEOUT = ReadTimeoutError(None, "/", "read timed out")  # type: ignore[arg-type]
_REFUSED = NewConnectionError(None, "connection refused")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "failure"),
    [  # what urllib3 (the lean caller's HTTP) and the caller itself raise
        (ConnectTimeoutError(), RegistryFailure.TIMEOUT),
        (_READ_TIMEOUT, RegistryFailure.TIMEOUT),
        (ProtocolError("connection aborted", TimeoutError()), RegistryFailure.TIMEOUT),
        (MaxRetryError(None, "/", _READ_TIMEOUT), RegistryFailure.TIMEOUT),  # type: ignore[arg-type]
        (TimeoutError(), RegistryFailure.TIMEOUT),
        (DeadlineExceeded(), RegistryFailure.TIMEOUT),
        (_REFUSED, RegistryFailure.UNREACHABLE),  # a subclass of urllib3's connect timeout
        (NameResolutionError("register.invalid", None, OSError()), RegistryFailure.UNREACHABLE),  # type: ignore[arg-type]
        (MaxRetryError(None, "/", _REFUSED), RegistryFailure.UNREACHABLE),  # type: ignore[arg-type]
        (ProtocolError("connection broken"), RegistryFailure.UNREACHABLE),
        (ConnectionResetError(), RegistryFailure.UNREACHABLE),
        (ConnectionRefusedError(), RegistryFailure.UNREACHABLE),
        (UnexpectedStatus(502), RegistryFailure.FAULT),
        (RegisterFault("SOAP-ENV:Server"), RegistryFailure.FAULT),
        (RegisterFault(), RegistryFailure.FAULT),
        (AnswerTooLarge(300_000), RegistryFailure.MALFORMED),
        (UnsafeXML("DOCTYPE is not allowed"), RegistryFailure.MALFORMED),
        (etree.XMLSyntaxError("bad", 1, 1, 1), RegistryFailure.MALFORMED),  # type: ignore[call-arg]
        (MalformedAnswer("found and person disagree"), RegistryFailure.MALFORMED),
        (KeyError("anything else"), RegistryFailure.MALFORMED),
    ],
)
def test_classify(exc: BaseException, failure: RegistryFailure) -> None:
    assert classify(exc) == failure


def test_client_connects_only_to_the_configured_register(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The client reads its contract and schemas from the repository: building it and making
    one call reaches no address but the register's own (here a closed port, so the call fails
    closed), never a schema location or anything else."""
    reached: list[object] = []
    connect = socket.socket.connect

    def recording(sock: socket.socket, address: object) -> None:
        reached.append(address)
        connect(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", recording)
    client = RegistryClient(make_settings("http://127.0.0.1:9/"))
    try:
        assert reached == []
        with pytest.raises(RegistryUnavailable):
            client.lookup(p.ANNA, user_id=p.FATHER)
    finally:
        client.close()
    assert reached and {address[:2] for address in reached  # type: ignore[index]
                        } == {("127.0.0.1", 9)}


@pytest.mark.parametrize(
    "url",
    [
        "http://x-road.eu/xsd/xroad.xsd",
        "https://example.org/evil.xsd",
        "file:///etc/passwd",
        "/etc/passwd",
        str(Path(__file__)),
    ],
)
def test_transport_loads_only_the_contract(url: str) -> None:
    transport = ContractOnlyTransport(CONTRACT_FILES)
    with pytest.raises(PermissionError):
        transport.load(url)
    with pytest.raises(PermissionError):
        transport.get(url, {}, {})
    with pytest.raises(PermissionError):
        transport.post(url, b"", {})
