"""The one way the gateway calls a register over X-Road, shared by every register client.

A call is three steps, each cheap: the request from the client's prepared
:class:`~gateway.registry.request.RequestTemplate` (a fresh ``id``, the ``userId``, the code);
one :class:`~gateway.registry.wire.BoundedPost`; and :func:`check_answer` — the answer parsed
by the hardened parser (:mod:`gateway.xmlsafe`: no DTD, no entities, no network, bounded
shape), a SOAP fault recognised, every X-Road header element and the body element validated
against the register's committed schemas, and the ``id`` and ``userId`` checked to be the ones
sent (PR-MESS §2.4: the provider echoes them). The client's reader then turns the checked body
element into its record. Any failure on the way is classified once
(:func:`~gateway.registry.failure.classify`), logged with a pseudonym, counted, and raised as
the client's "unavailable" error: the caller refuses, it never guesses.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from lxml import etree

from gateway import metrics, slots
from gateway.domain.personal_code import PersonalCode
from gateway.errors import GatewayError
from gateway.ns import SOAP11_ENV, XROAD
from gateway.registry import contract
from gateway.registry.failure import MalformedAnswer, RegisterFault, classify
from gateway.registry.redact import pseudonym
from gateway.registry.registers import RegisterContract
from gateway.registry.request import RequestTemplate
from gateway.registry.wire import BoundedPost
from gateway.settings import Settings, XRoadMember
from gateway.xmlsafe import schema_errors

log = logging.getLogger(__name__)

T = TypeVar("T")

_ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
_HEADER = f"{{{SOAP11_ENV}}}Header"
_BODY = f"{{{SOAP11_ENV}}}Body"
_FAULT = f"{{{SOAP11_ENV}}}Fault"


class RegisterCaller(Generic[T]):
    """Calls one register and reads its answers with ``reader``; thread-safe.

    ``reader(body_element, asked)`` gets the checked answer element and the 11 digits asked
    about; it returns the record, or ``None`` for "not found", or raises
    :class:`~gateway.registry.failure.MalformedAnswer`. Failures raise ``unavailable``
    (``detail`` the failure's value, ``attrs["failure"]`` the :class:`RegistryFailure`).
    """

    def __init__(self, register: RegisterContract, url: str, service: XRoadMember,
                 settings: Settings, *, reader: Callable[[etree._Element, str], T | None],
                 unavailable: type[GatewayError], metric_prefix: str = "") -> None:
        self.register = register
        self.template = RequestTemplate(register, settings.xroad_self, service)
        self.wire = BoundedPost(url, connect_timeout=settings.registry_connect_timeout,
                                read_timeout=settings.registry_read_timeout,
                                pool_size=max(10, settings.threads))  # a thread each may wait
        self._reader = reader
        self._unavailable = unavailable
        self._prefix = metric_prefix

    @property
    def deadline(self) -> float:
        """Seconds a call may take at most (connect + read timeout)."""
        return self.wire.deadline

    def call(self, subject: PersonalCode, user_id: PersonalCode) -> T | None:
        """What the register says of ``subject``, asked for ``user_id`` (the X-Road userId)."""
        message_id = uuid.uuid4().hex
        user = "LV" + user_id.digits
        started = time.monotonic()
        try:
            request = self.template.render(message_id, user, subject.digits)
            with slots.waiting():  # the round trip holds this thread, not a CPU slot
                status, data = self.wire.post(request)
            answer = check_answer(status, data, self.register, message_id=message_id,
                                  user_id=user)
            record = self._reader(answer, subject.digits)
        except Exception as exc:  # every failure, however odd, refuses: never a guess
            failure = classify(exc)
            metrics.REGISTRY_CALLS.labels(self._prefix + failure.value).inc()
            log.warning("%s register call %s about %s failed: %s (%s)", self.register.name,
                        message_id, pseudonym(subject.digits), failure.value,
                        type(exc).__name__)
            log.debug("register failure detail", exc_info=True)
            raise self._unavailable(failure.value, failure=failure) from exc
        outcome = "found" if record is not None else "not_found"
        metrics.REGISTRY_CALLS.labels(self._prefix + outcome).inc()
        log.info("%s register call %s about %s: %s in %.0f ms", self.register.name, message_id,
                 pseudonym(subject.digits), outcome.replace("_", " "),
                 (time.monotonic() - started) * 1000)
        return record

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.wire.close()


def check_answer(status: int, data: bytes, register: RegisterContract, *, message_id: str,
                 user_id: str) -> etree._Element:
    """The body element of a register's answer, checked against the contract, or an error.

    HTTP 500 is a fault whatever it carries (SOAP 1.1 §6.2 sends faults with 500); at 200 a
    body holding one ``Fault`` is a fault too. Otherwise the envelope must hold one ``Body``
    with exactly the register's answer element, valid against its body schema, and at most one
    ``Header`` whose X-Road elements are each known, once, and valid against
    ``schemas/xroad-headers.xsd``, echoing ``id`` and ``userId``.
    """
    if status == 500:
        raise RegisterFault()
    root = contract.parse_message(data)
    if root.tag != _ENVELOPE:
        raise MalformedAnswer("not a SOAP 1.1 envelope")
    headers, bodies = root.findall(_HEADER), root.findall(_BODY)
    if len(bodies) != 1 or len(headers) > 1:
        raise MalformedAnswer("the envelope needs one Body and at most one Header")
    payload = [child for child in bodies[0] if isinstance(child.tag, str)]
    if len(payload) == 1 and payload[0].tag == _FAULT:
        raise RegisterFault(payload[0].findtext("faultcode") or "")
    if len(payload) != 1 or payload[0].tag != register.response.text:
        raise MalformedAnswer("the body does not hold one answer element")
    if schema_errors(register.body_schema(), payload[0]):
        raise MalformedAnswer(f"the answer does not match {register.body_xsd.name}")
    echoed = _xroad_headers(headers[0] if headers else None)
    if "id" not in echoed or "userId" not in echoed:
        raise MalformedAnswer("the answer does not echo the id and userId headers")
    if echoed["id"].text != message_id or echoed["userId"].text != user_id:
        raise MalformedAnswer("the answer does not repeat the request's id and userId")
    return payload[0]


def _xroad_headers(header: etree._Element | None) -> dict[str, etree._Element]:
    """The X-Road elements of ``header`` by local name: each known, once, schema-valid."""
    found: dict[str, etree._Element] = {}
    schema = contract.header_schema()
    for element in () if header is None else header:
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{XROAD}}}"):
            continue
        name = etree.QName(element).localname
        if name in found or name not in contract.RESPONSE_HEADERS:
            raise MalformedAnswer("unexpected or repeated X-Road header")
        if schema_errors(schema, element):
            raise MalformedAnswer("an X-Road header does not match xroad-headers.xsd")
        found[name] = element
    return found
