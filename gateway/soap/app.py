"""The gateway's WSGI application: the one way in, and the one boundary on the way out.

``POST /``: the body is read within the size limit, parsed once by the hardened parser, the
SOAP envelope and the X-Road headers are checked, and the checked tree is handed to spyne
(which never parses the bytes itself). Whatever happens, one audit record is committed before
the answer leaves (RULES §7), and every error becomes a SOAP fault here and nowhere else.
``GET ?wsdl`` serves the committed WSDL (and ``?xsd=`` its schemas); ``GET /healthz`` answers
without touching the register.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from uuid import uuid4

from lxml import etree
from sqlalchemy import text

from gateway import metrics, slots
from gateway import xroad as protocol
from gateway.errors import (
    GatewayError,
    InternalError,
    InvalidRequest,
    RequestTooLarge,
    VersionMismatch,
)
from gateway.ns import VPIS, XROAD, XROAD_ID
from gateway.runtime import Runtime
from gateway.services.audited import record_error
from gateway.signing.enveloped import sign_payload
from gateway.soap import contract, envelope, xroad
from gateway.soap import problems as P
from gateway.soap.call import Call
from gateway.soap.dispatch import Dispatcher, Job
from gateway.soap.faults import fault_envelope
from gateway.soap.operations import SERVICE_CODES, check_allow_list
from gateway.store import audit
from gateway.store.group_commit import GroupCommit
from gateway.xmlsafe import UnsafeXML, check_encoding, schema_errors

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
XML = "text/xml; charset=utf-8"


class GatewayApp:
    """The WSGI callable ``gateway serve`` runs."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self._dispatcher = Dispatcher()
        group = GroupCommit(runtime.engine, on_commit=metrics.AUDIT_GROUP.observe)
        self._write_audit: Callable[[audit.AuditEntry], int] = (
            group.write if self.settings.audit_group_commit
            else lambda entry: audit.write(runtime.engine, entry)
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        query = environ.get("QUERY_STRING", "")
        if method == "GET":
            return self._get(path, query, start_response)
        if method == "POST" and path == "/":
            status, body = self.soap(environ)
            return _respond(start_response, status, body, XML)
        return _respond(
            start_response, 405, b"method not allowed\n", "text/plain", [("Allow", "GET, POST")]
        )

    def _get(self, path: str, query: str, start_response: StartResponse) -> Iterable[bytes]:
        address = self.settings.public_url
        if path == "/metrics":
            return _respond(start_response, 200, metrics.render(), metrics.CONTENT_TYPE)
        if path == "/healthz":
            try:
                with self.runtime.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:  # the database is what an answer cannot do without
                log.exception("health check: the database does not answer")
                return _respond(start_response, 503, b"database unavailable\n", "text/plain")
            return _respond(start_response, 200, b"ok\n", "text/plain")
        if path == "/" and query.lower() == "wsdl":
            return _respond(start_response, 200, contract.wsdl_for(address), XML)
        if path == "/" and query.startswith("xsd="):
            schema = contract.schema_for(query[4:], address)
            if schema is not None:
                return _respond(start_response, 200, schema, XML)
        return _respond(start_response, 404, b"not found\n", "text/plain")

    def soap(self, environ: dict[str, Any]) -> tuple[int, bytes]:
        """Answer one SOAP request: (HTTP status, body). Always audited, never raises.

        The call computes in one of the worker's CPU slots (:mod:`gateway.slots`), from here
        until its audit record is committed; it gives the slot back while a register answers.
        """
        with slots.held():
            return self._soap(environ)

    def _soap(self, environ: dict[str, Any]) -> tuple[int, bytes]:
        started = time.perf_counter()
        now = self.runtime.clock()
        call = Call(runtime=self.runtime, now=now, audit=audit.AuditEntry(at=now))
        try:
            status, body = self._answer(environ, call)
        except Exception as exc:
            if not isinstance(exc, GatewayError):
                log.exception("call %s failed", call.audit.message_id)
            error = record_error(call.audit, exc)
            status, body = error.http_status, fault_envelope(error)
        written = time.perf_counter()
        try:
            record_id = self._write_audit(call.audit)
        except Exception:  # no answer without its record (RULES §7)
            log.exception("audit record of call %s not written", call.audit.message_id)
            error = InternalError()
            call.audit.outcome, call.audit.reason, record_id = "error", "AuditFailed", None
            status, body = error.http_status, fault_envelope(error)
        done = time.perf_counter()
        self._observe(call, record_id, done - started, done - written)
        return status, body

    def _observe(self, call: Call, record_id: int | None, seconds: float,
                 audit_seconds: float) -> None:
        """Metrics and one log line per call; no personal code in either."""
        service = call.audit.service if call.audit.service in SERVICE_CODES else "unknown"
        metrics.REQUESTS.labels(service, call.audit.outcome).inc()
        metrics.LATENCY.labels(service).observe(seconds)
        metrics.AUDIT_WRITE.observe(audit_seconds)
        log.info(
            "call %s %s %s %s",
            call.audit.message_id,
            service,
            call.audit.outcome,
            call.audit.reason,
            extra={
                "message_id": call.audit.message_id,
                "service": service,
                "client": call.audit.client,
                "outcome": call.audit.outcome,
                "reason": call.audit.reason,
                "audit_id": record_id,
                "ms": round(seconds * 1000, 2),
            },
        )

    def _answer(self, environ: dict[str, Any], call: Call) -> tuple[int, bytes]:
        data = _read_body(environ, self.settings.max_request_bytes,
                          self.settings.body_read_timeout)
        _check_content_type(environ.get("CONTENT_TYPE") or "", data)
        call.envelope = envelope.parse(
            data, max_bytes=self.settings.max_request_bytes, limits=self.settings.xml_limits
        )
        client = _peek_headers(call)
        call.headers = xroad.check(call.envelope.header, self.settings, client=client)
        call.audit.service = call.headers.service_code
        call.audit.requester_code = call.headers.requester.digits
        if call.envelope.payload.tag != f"{{{VPIS}}}{call.headers.service_code}":
            raise InvalidRequest("the body does not match the service code",
                                 problem=P.BODY_NOT_SERVICE)
        errors = schema_errors(contract.body_schema(), call.envelope.payload)
        if errors:
            raise InvalidRequest("the body does not match the schema",
                                 problem=P.schema_mismatch(errors[0]))
        job = Job(self.runtime, call.headers.requester, call.envelope.payload, now=call.now,
                  audit=call.audit)
        payload = self._dispatcher.dispatch(call.root, job)
        answer = envelope.answer(call.headers.elements, payload)
        # RULES §6: the payload is signed last, as it leaves.
        sign_payload(payload, self.runtime.signer, f"vpis-{uuid4().hex}",
                     self.settings.signing.implementation)
        return 200, bytes(etree.tostring(answer, xml_declaration=True, encoding="UTF-8"))


def _check_content_type(value: str, data: bytes) -> None:
    """``text/xml`` (SOAP 1.1 over HTTP), with no charset or the one the body is really in."""
    media, _, parameters = value.partition(";")
    media = media.strip().lower()
    if media == "application/soap+xml":
        raise VersionMismatch("SOAP 1.2 content type")
    if media != "text/xml":
        raise InvalidRequest("content type must be text/xml", problem=P.CONTENT_TYPE)
    charset = None
    for parameter in parameters.split(";"):
        name, _, given = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = given.strip().strip('"').lower()
    if charset is None:
        return
    try:
        actual = check_encoding(data)
    except UnsafeXML:
        raise InvalidRequest("not UTF-8 or UTF-16 XML",
                             problem=P.UNSAFE_XML["not UTF-8 or UTF-16 XML"]) from None
    if charset not in ("utf-8", "utf-16") or not actual.startswith(charset):
        raise InvalidRequest("the charset does not match the body", problem=P.CHARSET)


def _printable(value: str, length: int) -> str:
    """``value`` safe for a log line: control characters escaped, cut to ``length``."""
    if not value.isprintable():
        value = value.encode("unicode_escape").decode("ascii")
    return value[:length]


def _peek_headers(call: Call) -> dict[str, str] | None:
    """Note the message id and the client for the audit record, before any check of them;
    the client header's identifiers as read (for :func:`xroad.check`), if there is one."""
    assert call.envelope is not None
    header = call.envelope.header
    if header is None:
        return None
    found = header.find(f"{{{XROAD}}}id")
    if found is not None and found.text:
        call.audit.message_id = _printable(found.text, 200)
    client = header.find(f"{{{XROAD}}}client")
    named = None
    if client is not None:
        named = protocol.identifiers(client)
        call.audit.client = _printable(protocol.id_of(named), 300)
    service = header.find(f"{{{XROAD}}}service")
    if service is not None:
        code = service.findtext(f"{{{XROAD_ID}}}serviceCode")
        if code:
            call.audit.service = _printable(code, 100)
    return named


def _read_body(environ: dict[str, Any], limit: int, timeout: float) -> bytes:
    """The request body, within ``limit`` bytes and ``timeout`` seconds of waiting.

    A declared length over the limit is refused before reading; a chunked body is read to one
    byte past the limit at most. A body that stops coming would hold a worker thread for ever,
    so the socket waits at most ``timeout`` seconds for each piece.
    """
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared and not (declared.isascii() and declared.isdigit()):
        raise InvalidRequest("bad Content-Length", problem=P.CONTENT_LENGTH)
    if declared and int(declared) > limit:
        raise RequestTooLarge("declared length")
    sock = environ.get("gunicorn.socket")
    previous = sock.gettimeout() if sock is not None else None
    if sock is not None:
        sock.settimeout(timeout)
    try:
        if declared:
            data = bytes(environ["wsgi.input"].read(int(declared)))
            if len(data) != int(declared):
                raise InvalidRequest("body shorter than its Content-Length",
                                     problem=P.SHORT_BODY)
            return data
        data = bytes(environ["wsgi.input"].read(limit + 1))  # chunked: at most one byte more
    except OSError:  # the peer went silent or away
        raise InvalidRequest("body not received in time", problem=P.SLOW_BODY) from None
    except ValueError:  # gunicorn's chunked reader: a malformed or absurd chunk size
        raise InvalidRequest("malformed chunked body", problem=P.CHUNKED) from None
    finally:
        if sock is not None:
            sock.settimeout(previous)
    if len(data) > limit:
        raise RequestTooLarge("streamed length")
    return data


def _respond(
    start_response: StartResponse,
    status: int,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    reasons = {
        200: "OK",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Payload Too Large",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        *(extra or []),
    ]
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [body]


def create_app(runtime: Runtime) -> GatewayApp:
    """The WSGI application for one process."""
    check_allow_list(runtime.settings)
    contract.body_schema()  # compile the schemas now, not on the first request
    contract.header_schema()
    return GatewayApp(runtime)
