"""Hostile input (issue 6): every case of ``tests/data/attacks/`` against the real gateway.

The manifest (``tests/data/attacks/manifest.toml``) names each case, how it is sent and what
must come back; nothing here decides an outcome by a file's name. Every case must be answered
within :data:`LIMIT_SECONDS` with its status and fault code, leave exactly one audit record
when it reached the gateway, and leak nothing: no personal data the request did not carry
itself, no traceback, no path, no SQL, no file content. The SSRF listener must never see a
connection, and the gateway must serve a valid request after every case. Last, the corpus is
posted three more times while the worker's resident memory is watched.
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import socket
import sys
import threading
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from sqlalchemy import Engine, func, select

from gateway.errors import ClientError
from gateway.ns import DS, SOAP11_ENV, VPIS
from gateway.settings import load_settings
from gateway.store.models import AuditRecord
from tests.soap import envelopes as E
from tests.soap.helpers import LEAKS
from tests.stand import REPO, Stand

ATTACKS = REPO / "tests" / "data" / "attacks"
DEMO = REPO / "gateway" / "demo" / "data"
LIMIT_SECONDS = 2.0
"""Every hostile case is answered within this time (issue 6: "within a second or two")."""
RSS_GROWTH_LIMIT_KIB = 30 * 1024
"""A worker's resident memory may grow at most this much over three passes of the corpus."""
RSS_PASSES = 3
TEXT_XML = "text/xml; charset=utf-8"
SETTINGS = load_settings()  # what the stand's gateway reads too: config/gateway.toml
LIMITS = SETTINGS.xml_limits
MAX_BYTES = SETTINGS.max_request_bytes
MAX_ANSWER_BYTES = 1 << 20

ANSWER_LEAKS = (
    *LEAKS,
    "root:x:0:0",  # /etc/passwd
    "/etc/",
    "/home/",
    "/usr/",
    "/var/",
    "file:",
    "XMLSyntaxError",
    "lxml",
    "libxml",
    "spyne",
    "gunicorn.",
    "line 1",
    "column ",
    "OperationalError",
    "IntegrityError",
    "DataError",
    "INSERT ",
    "UPDATE ",
    "DELETE ",
    "DROP ",
    "UNION ",
    " FROM ",
    " WHERE ",
    "personal_code",
)
"""Words no answer may hold: tracebacks, paths, parser and database internals, file content."""


# --- the manifest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile request and what must come back (see the manifest's header)."""

    name: str
    description: str
    status: int
    fault: str
    file: str | None = None
    generate: str | None = None
    transport: str = "post"
    params: Mapping[str, int] = field(default_factory=dict)
    content_type: str = TEXT_XML
    headers: Mapping[str, str] = field(default_factory=dict)
    must_contain: tuple[str, ...] = ()
    must_not_contain: tuple[str, ...] = ()
    xfail: str | None = None


def load_cases() -> list[Case]:
    """Every case of the manifest, in its order; an unknown key is an error."""
    with (ATTACKS / "manifest.toml").open("rb") as manifest:
        tables: dict[str, dict[str, Any]] = tomllib.load(manifest)
    cases = []
    for name, table in tables.items():
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
        case = Case(name=name, **values)
        sources = (case.file is not None) + (case.generate is not None)
        if sources != {"post": 1, "raw": 1}.get(case.transport, 0):
            raise ValueError(f"{name}: wrong file/generate for transport {case.transport!r}")
        if case.transport == "raw" and case.file is None:
            raise ValueError(f"{name}: a raw request is a file")
        cases.append(case)
    return cases


CASES = load_cases()


# --- the SSRF listener ----------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection offered to it."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.05)
        self.host, self.port = self._socket.getsockname()
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ssrf-listener", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():  # ends with stop(); each wait is 50 ms
            try:
                connection, peer = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            connection.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture(scope="module")
def ssrf() -> Iterator[Listener]:
    with Listener() as listener:
        yield listener


# --- generated documents --------------------------------------------------------------------


def _in_header(extra: str) -> bytes:
    """A valid request with ``extra`` as one more (ignored) header."""
    return E.envelope(E.HEADERS + extra)


def _base_shape() -> tuple[int, int, int]:
    """Elements, attributes and namespace declarations of the valid request."""
    root = etree.fromstring(E.envelope())
    elements = list(root.iter())
    return len(elements), sum(len(e.attrib) for e in elements), len(root.nsmap)


def _over(limit: int, params: Mapping[str, int]) -> int:
    return limit + params["over"]


def gen_oversize(params: Mapping[str, int]) -> bytes:
    base = E.envelope()
    padding = _over(MAX_BYTES, params) - len(base) - len("<!---->")
    body = base.replace(b"<soapenv:Header>", b"<soapenv:Header><!--" + b"x" * padding + b"-->")
    assert len(body) == _over(MAX_BYTES, params)
    return body


def gen_nesting(params: Mapping[str, int]) -> bytes:
    # Envelope and Header are two levels; the rest is a chain of <d> in an ignored header.
    levels = params["levels"] if "levels" in params else _over(LIMITS.max_depth, params) - 2
    chain = '<d xmlns="urn:example:deep">' + "<d>" * (levels - 1) + "</d>" * levels
    return _in_header(chain)


def gen_elements(params: Mapping[str, int]) -> bytes:
    elements, _, _ = _base_shape()
    count = _over(LIMITS.max_elements, params) - elements
    return _in_header('<m xmlns="urn:example:many">' + "<e/>" * (count - 1) + "</m>")


def gen_attributes(params: Mapping[str, int]) -> bytes:
    _, attributes, _ = _base_shape()
    count = _over(LIMITS.max_attributes, params) - attributes
    names = " ".join(f'a{i}=""' for i in range(count))
    return _in_header(f'<m xmlns="urn:example:many" {names}/>')


def gen_namespaces(params: Mapping[str, int]) -> bytes:
    _, _, declared = _base_shape()
    count = _over(LIMITS.max_namespaces, params) - declared
    bindings = " ".join(f'xmlns:p{i}="urn:example:ns:{i}"' for i in range(count))
    return _in_header(f"<p0:m {bindings}/>")


def gen_rebinding(params: Mapping[str, int]) -> bytes:
    # Five prefixes bound once, then re-bound to new URIs on each of many children: the number
    # of prefixes in scope never grows, the number of declarations does.
    _, _, declared = _base_shape()
    prefixes = 5
    children = (_over(LIMITS.max_namespaces, params) - declared - prefixes) // prefixes + 1

    def bind(n: int) -> str:
        return " ".join(f'xmlns:p{i}="urn:example:rebind:{n}:{i}"' for i in range(prefixes))

    inner = "".join(f"<p0:c {bind(n + 1)}/>" for n in range(children))
    return _in_header(f"<p0:m {bind(0)}>{inner}</p0:m>")


def gen_long_name(params: Mapping[str, int]) -> bytes:
    namespace = "urn:example:long"
    local = "n" * (_over(LIMITS.max_name, params) - len(namespace) - 2)  # "{ns}local"
    return _in_header(f'<{local} xmlns="{namespace}"/>')


def gen_long_attribute_name(params: Mapping[str, int]) -> bytes:
    name = "a" * _over(LIMITS.max_name, params)
    return _in_header(f'<m xmlns="urn:example:long" {name}="1"/>')


def gen_long_attribute_value(params: Mapping[str, int]) -> bytes:
    value = "v" * _over(LIMITS.max_text, params)
    return _in_header(f'<m xmlns="urn:example:long" a="{value}"/>')


def gen_long_text(params: Mapping[str, int]) -> bytes:
    return E.envelope(E.HEADERS.replace("e2e-0001", "t" * _over(LIMITS.max_text, params)))


def gen_quadratic(params: Mapping[str, int]) -> bytes:
    dtd = f'<!DOCTYPE soapenv:Envelope [<!ENTITY a "{"x" * params["entity"]}">]>'
    body = E.BODY.replace("220806-21170", "&a;" * params["references"])
    return E.envelope(body=body).replace(b"?>", b"?>" + dtd.encode(), 1)


def gen_laughs(params: Mapping[str, int]) -> bytes:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * params["width"]}">' for n in range(1, params["levels"])
    ]
    dtd = f"<!DOCTYPE soapenv:Envelope [{''.join(entities)}]>"
    body = E.BODY.replace("220806-21170", f"&l{params['levels'] - 1};")
    return E.envelope(body=body).replace(b"?>", b"?>" + dtd.encode(), 1)


def gen_gzip_bomb(params: Mapping[str, int]) -> bytes:
    out = io.BytesIO()
    megabyte = bytes(1 << 20)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        for _ in range(params["megabytes"]):
            packed.write(megabyte)
    return out.getvalue()


GENERATORS: dict[str, Callable[[Mapping[str, int]], bytes]] = {
    "oversize": gen_oversize,
    "nesting": gen_nesting,
    "elements": gen_elements,
    "attributes": gen_attributes,
    "namespaces": gen_namespaces,
    "rebinding": gen_rebinding,
    "long-name": gen_long_name,
    "long-attribute-name": gen_long_attribute_name,
    "long-attribute-value": gen_long_attribute_value,
    "long-text": gen_long_text,
    "quadratic": gen_quadratic,
    "laughs": gen_laughs,
    "gzip-bomb": gen_gzip_bomb,
}


# --- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the attacks go, and where the SSRF listener waits."""

    host: str
    port: int
    ssrf: Listener

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float


def target_of(stand: Stand, ssrf: Listener) -> Target:
    host, port = stand.url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    return Target(host=host, port=int(port), ssrf=ssrf)


def request_body(case: Case, target: Target) -> bytes:
    """The bytes a case sends: its file with the placeholders filled in, or a generated body."""
    if case.generate is not None:
        return GENERATORS[case.generate](case.params)
    if case.file is None:
        return b""
    data = (ATTACKS / case.file).read_bytes()
    for placeholder, value in (
        ("{SSRF}", target.ssrf.url),
        ("{SSRF_HOST}", str(target.ssrf.host)),
        ("{SSRF_PORT}", str(target.ssrf.port)),
        ("{HOST}", f"{target.host}:{target.port}"),
    ):
        data = data.replace(placeholder.encode(), value.encode())
    return data


def _exchange(target: Target, chunks: Iterator[bytes]) -> tuple[int, bytes]:
    """Send ``chunks`` on a fresh connection, then read one HTTP answer."""
    sock = socket.create_connection((target.host, target.port), timeout=LIMIT_SECONDS * 2)
    try:
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it said
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read(MAX_ANSWER_BYTES)
    except TimeoutError:
        # No answer: hang up, and let the gateway finish with the abandoned request (and write
        # its audit record) before the next case counts records.
        sock.close()
        time.sleep(0.5)
        raise
    finally:
        sock.close()


def _head(target: Target, content_type: str, *lines: str) -> bytes:
    head = ["POST / HTTP/1.1", f"Host: {target.host}:{target.port}",
            f"Content-Type: {content_type}", *lines, "Connection: close", "", ""]
    return "\r\n".join(head).encode()


def send(case: Case, target: Target) -> tuple[bytes, Answer]:
    """Send one case; the bytes sent and the answer with the time it took."""
    body = request_body(case, target)
    started = time.perf_counter()
    if case.transport == "post":
        answer = requests.post(
            target.url, data=body, timeout=LIMIT_SECONDS * 2,
            headers={"Content-Type": case.content_type, **case.headers},
        )
        status, content = answer.status_code, answer.content
    elif case.transport == "raw":
        status, content = _exchange(target, iter([body]))
    elif case.transport == "declared-length":
        length = f"Content-Length: {case.params['length']}"
        body = _head(target, case.content_type, length) + b"<" * case.params.get("sent", 0)
        status, content = _exchange(target, iter([body]))  # the rest never comes
    elif case.transport == "chunked-stream":
        total, size = _over(MAX_BYTES, case.params), 4096
        chunk = f"{size:x}\r\n".encode() + b"<" * size + b"\r\n"
        stream = [_head(target, case.content_type, "Transfer-Encoding: chunked")]
        stream += [chunk] * (total // size)
        stream.append(f"{total % size:x}\r\n".encode() + b"<" * (total % size) + b"\r\n")
        status, content = _exchange(target, iter(stream))  # no last chunk: never finished
        body = b"".join(stream)
    else:
        raise ValueError(f"{case.name}: unknown transport {case.transport!r}")
    return body, Answer(status, content, time.perf_counter() - started)


# --- what an answer may not hold ------------------------------------------------------------


def _demo_people() -> list[tuple[str, ...]]:
    """Every demo person as the strings that would identify them: both forms of the code and,
    where known, the full name."""
    people: dict[str, tuple[str, ...]] = {}
    demo = json.loads((DEMO / "demo.json").read_text(encoding="utf-8"))
    registry = json.loads((DEMO / "registry.json").read_text(encoding="utf-8"))
    for person in demo["persons"]:
        code = person["personal_code"]
        name = f"{person['given_name']} {person['family_name']}"
        people[code] = (code, code.replace("-", ""), name)
    for person in registry["persons"]:
        code = person["personal_code"]
        people.setdefault(code, (code, code.replace("-", "")))
    return list(people.values())


PEOPLE = _demo_people()


def _as_text(data: bytes) -> str:
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    return data.decode("utf-8", "replace")


def _without_signatures(answer: bytes) -> str:
    """The answer's text without its XML signature, whose base64 could hold any word."""
    try:
        root = etree.fromstring(answer, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return _as_text(answer)
    for signature in list(root.iter(f"{{{DS}}}Signature")):
        signature.getparent().remove(signature)
    return etree.tostring(root, encoding="unicode")


def leaks(answer: bytes, sent: bytes) -> list[str]:
    """What the answer holds that it must not: words of :data:`ANSWER_LEAKS`, and personal
    data of the demo people that the request did not carry itself."""
    text, request = _without_signatures(answer), _as_text(sent)
    found = [word for word in ANSWER_LEAKS if word in text]
    for forms in PEOPLE:
        if not any(form in request for form in forms):
            found += [form for form in forms if form in text]
    return found


def fault_of(answer: bytes) -> tuple[str, str] | None:
    """(faultcode, vpis code) of a SOAP fault answer; None when the answer is not a fault."""
    try:
        root = etree.fromstring(answer, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    fault = root.find(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault")
    if fault is None:
        return None
    code = fault.findtext(f"detail/{{{VPIS}}}faultDetail/{{{VPIS}}}code") or ""
    return fault.findtext("faultcode") or "", code


def fault_message(answer: bytes) -> str:
    """``LV|EN``: the two messages of a fault's vpis:faultDetail."""
    root = etree.fromstring(answer, etree.XMLParser(resolve_entities=False, no_network=True))
    detail = root.find(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault/detail/{{{VPIS}}}faultDetail")
    texts = {} if detail is None else {
        m.get("lang"): m.text or "" for m in detail.iter(f"{{{VPIS}}}message")}
    return f"{texts.get('lv', '')}|{texts.get('en', '')}"


def check(case: Case, sent: bytes, answer: Answer) -> list[str]:
    """Everything wrong with ``answer`` to ``case``; empty when it is right."""
    problems = []
    if answer.status != case.status:
        problems.append(f"status {answer.status}, expected {case.status}")
    if answer.seconds >= LIMIT_SECONDS:
        problems.append(f"answered in {answer.seconds:.2f} s")
    fault = fault_of(answer.body)
    if case.fault:
        if fault is None or fault[1] != case.fault or not fault[0].endswith(case.fault):
            problems.append(f"fault {fault}, expected {case.fault}")
    elif fault is not None:
        problems.append(f"unexpected fault {fault}")
    if fault is not None and fault[1] == "InvalidRequest" and fault_message(answer.body) in (
        f"{ClientError.message_lv}|{ClientError.message_en}", "|"
    ):
        problems.append("an InvalidRequest fault that does not say which rule was broken")
    text = _as_text(answer.body)
    problems += [f"missing {s!r}" for s in case.must_contain if s not in text]
    problems += [f"holds {s!r}" for s in case.must_not_contain if s in text]
    problems += [f"leaks {word!r}" for word in leaks(answer.body, sent)]
    return problems


# --- the gateway's worker processes ---------------------------------------------------------


def _status_field(pid: int, name: str) -> int | None:
    """A numeric field of /proc/<pid>/status (kB for memory), None when the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return None


def gateway_workers(port: int) -> list[int]:
    """The pids of the worker processes of the ``gateway serve`` listening on ``port``: the
    processes started with ``serve --port <port>`` whose parent is one of them too."""
    serving = set()
    for entry in Path("/proc").iterdir():  # bounded by the process table
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            b"gateway.cli" in argv
            and b"serve" in argv
            and b"--port" in argv
            and argv[argv.index(b"--port") + 1] == str(port).encode()
        ):
            serving.add(int(entry.name))
    workers = sorted(pid for pid in serving if _status_field(pid, "PPid") in serving)
    assert workers, f"no gateway worker serves port {port}"
    return workers


def rss_kib(pids: list[int]) -> dict[int, tuple[int, int]]:
    """(VmRSS, VmHWM) in KiB per pid: the resident memory now and its peak."""
    return {pid: (_status_field(pid, "VmRSS") or 0, _status_field(pid, "VmHWM") or 0)
            for pid in pids}


# --- the tests ------------------------------------------------------------------------------


def _valid_request_is_served(target: Target) -> None:
    answer = requests.post(target.url, data=E.envelope(), timeout=LIMIT_SECONDS * 2,
                           headers={"Content-Type": TEXT_XML})
    assert answer.status_code == 200, answer.text[:500]


def _audit_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditRecord)) or 0


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_attack(case: Case, stand: Stand, ssrf: Listener, stand_engine: Engine) -> None:
    target = target_of(stand, ssrf)
    before = _audit_count(stand_engine)
    sent, answer = send(case, target)
    problems = check(case, sent, answer)
    assert not problems, f"{case.name} ({case.description}): {problems}\n{answer.body[:800]!r}"
    # One audit record for every request that reached the gateway (a fault or an answer); the
    # HTTP server's own refusals never reach it.
    reached = bool(case.fault) or case.status == 200
    assert _audit_count(stand_engine) - before == (1 if reached else 0)
    assert ssrf.connections == [], f"the SSRF listener was reached: {ssrf.connections}"
    _valid_request_is_served(target)


def test_the_corpus_covers_the_issue() -> None:
    """The manifest holds every kind of case issue 6 asks for (a guard against pruning)."""
    names = {case.name for case in CASES}
    for required in (
        "xxe-file-internal-subset", "xxe-external-dtd-ssrf", "xxe-parameter-entity-ssrf",
        "xxe-xinclude-ssrf", "xxe-xinclude-file", "xxe-billion-laughs", "xxe-quadratic-blowup",
        "xxe-doctype-without-entities", "markup-pi-in-body", "markup-pi-before-envelope",
        "structure-soap12-envelope", "structure-no-envelope", "structure-two-bodies",
        "structure-body-before-header", "structure-header-after-body", "structure-two-wrappers",
        "structure-wrapper-not-the-service-code", "headers-wsse-security-must-understand",
        "headers-unknown-header-must-understand-true", "user-id-arabic-indic-digits",
        "personal-code-sql-or-1-1", "personal-code-xsi-nil", "encoding-invalid-utf8",
        "not-xml-truncated", "lying-content-length", "chunked-over-the-limit", "nesting-10000",
        "authorization-stranger-asks-about-a-minor", "authorization-parent-of-an-adult-child",
        "authorization-minor-asks-ep226",
    ):
        assert required in names, required
    assert len(CASES) >= 150
    for case in CASES:
        if case.file:
            assert (ATTACKS / case.file).stat().st_size <= 16384, f"{case.file} is not small"


def post_corpus(target: Target, passes: int) -> int:
    """Send every case ``passes`` times, without checks, leaving out the known holes (xfail:
    they would only wait for their timeout); the number of requests sent."""
    sent = 0
    for _ in range(passes):
        for case in CASES:
            if case.xfail is None:
                send(case, target)
                sent += 1
    return sent


def test_the_worker_keeps_serving_with_bounded_memory(
    stand: Stand, ssrf: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    target = target_of(stand, ssrf)
    _valid_request_is_served(target)
    workers = gateway_workers(target.port)
    before = rss_kib(workers)
    started = time.perf_counter()
    count = post_corpus(target, RSS_PASSES)
    seconds = time.perf_counter() - started
    after = rss_kib(workers)
    _valid_request_is_served(target)
    assert gateway_workers(target.port) == workers, "a worker died or was replaced"
    assert ssrf.connections == []
    with capsys.disabled():
        for pid in workers:
            sys.stdout.write(
                f"\nworker {pid}: VmRSS {before[pid][0] / 1024:.1f} MiB before, "
                f"{after[pid][0] / 1024:.1f} MiB after {count} hostile requests "
                f"({RSS_PASSES} passes, {count / seconds:.0f} req/s); "
                f"peak (VmHWM) {after[pid][1] / 1024:.1f} MiB\n"
            )
    for pid in workers:
        assert after[pid][0] - before[pid][0] < RSS_GROWTH_LIMIT_KIB, (pid, before, after)


def test_a_message_id_cannot_forge_a_log_line(stand: Stand) -> None:
    forged = "1999-01-01 00:00:00,000 INFO gateway.soap.app: call forged-" + uuid.uuid4().hex
    message_id = "attack-log&#10;" + forged
    answer = requests.post(stand.url, data=E.envelope(E.HEADERS.replace("e2e-0001", message_id)),
                           headers={"Content-Type": TEXT_XML}, timeout=LIMIT_SECONDS * 2)
    assert answer.status_code == 200
    time.sleep(0.2)  # the worker writes its log line after the answer
    log = (stand.data_dir / "processes.log").read_text(encoding="utf-8", errors="replace")
    assert not any(line.startswith(forged) for line in log.splitlines())


def test_schema_names_cannot_walk_the_file_system(stand: Stand) -> None:
    for query in ("xsd=../../../../etc/passwd", "xsd=/etc/passwd", "xsd=..%2F..%2Fsettings.py",
                  "xsd=vpis.xsd%00.txt"):
        answer = requests.get(f"{stand.url}?{query}", timeout=LIMIT_SECONDS * 2)
        assert answer.status_code == 404, query
        assert "root:x:0:0" not in answer.text
