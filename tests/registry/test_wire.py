"""The lean caller's HTTP side: one pooled connection reused, and what it refuses to undo."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from gateway.errors import RegistryUnavailable
from gateway.registry.client import RegistryClient, RegistryFailure
from gateway.registry.wire import BoundedPost
from tests.registry import people as p
from tests.registry.conftest import DATA, make_settings

FOUND = (DATA / "answers" / "found.xml").read_text(encoding="utf-8")


class _Register:
    """An HTTP/1.1 register stub answering found.xml, optionally gzip-compressed."""

    def __init__(self) -> None:
        self.gzip = False
        self.connections: set[tuple[str, int]] = set()
        self.requests: list[dict[str, str]] = []


def _handler(register: _Register) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as an X-Road security server

        def do_POST(self) -> None:
            register.connections.add(self.client_address)
            register.requests.append(dict(self.headers.items()))
            request = etree.fromstring(self.rfile.read(int(self.headers["Content-Length"])))
            echoed = {etree.QName(e).localname: e.text or "" for e in request[0]}
            body = FOUND.replace("{{ID}}", echoed["id"]).replace("{{USER_ID}}",
                                                                  echoed["userId"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            if register.gzip:
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def stub() -> Iterator[tuple[_Register, RegistryClient]]:
    register = _Register()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(register))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    client = RegistryClient(make_settings(f"http://127.0.0.1:{server.server_address[1]}/",
                                          registry_cache_ttl=0))
    try:
        yield register, client
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_calls_reuse_one_pooled_connection(stub: tuple[_Register, RegistryClient]) -> None:
    register, client = stub
    for _ in range(5):
        record = client.lookup(p.ANNA, user_id=p.MOTHER)
        assert record is not None and record.personal_code == p.ANNA.digits
    assert len(register.requests) == 5
    assert len(register.connections) == 1  # one TCP connection for all five calls


def test_what_the_client_asks_for_on_the_wire(stub: tuple[_Register, RegistryClient]) -> None:
    register, client = stub
    client.lookup(p.ANNA, user_id=p.MOTHER)
    headers = {k.lower(): v for k, v in register.requests[0].items()}
    assert headers["accept-encoding"] == "identity"
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert headers["soapaction"] == '""'
    assert "proxy-authorization" not in headers and "authorization" not in headers


def test_a_compressed_answer_is_not_inflated_but_refused(
        stub: tuple[_Register, RegistryClient]) -> None:
    register, client = stub
    register.gzip = True  # identity was asked for: gzip is not the contract's XML
    with pytest.raises(RegistryUnavailable) as caught:
        client.lookup(p.ANNA, user_id=p.MOTHER)
    assert caught.value.attrs["failure"] is RegistryFailure.MALFORMED


def test_the_deadline_is_connect_plus_read() -> None:
    wire = BoundedPost("http://127.0.0.1:9/", connect_timeout=0.5, read_timeout=1.5)
    assert wire.deadline == 2.0
    wire.close()


def test_proxy_variables_are_ignored(stub: tuple[_Register, RegistryClient],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    register, client = stub
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert client.lookup(p.ANNA, user_id=p.MOTHER) is not None
    assert len(register.requests) == 1
