"""Reading the register's answer: checked to the last field before anything trusts it.

Two layers. :class:`SchemaCheck` is a zeep plugin that validates the received envelope — every
X-Road header element and the body element — against the committed schemas before zeep reads it
(zeep alone is lenient: it reads ``maybe`` as ``false``). :func:`record_from_answer` then checks
what a schema cannot: the echoed message id and user, that the person is the one asked about,
that ``person`` is there exactly when ``found`` is, and that validity dates are in order.
Anything wrong raises :class:`MalformedAnswer`; the caller refuses, it never guesses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lxml import etree

from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import InvalidPersonalCode
from gateway.ns import SOAP11_ENV, XROAD
from gateway.registry import contract
from gateway.registry.contract import schema_errors
from gateway.registry.registers import PMLP_REGISTER, RegisterContract


class MalformedAnswer(ValueError):
    """The register's answer is not what the contract promises."""


class SchemaCheck:
    """zeep ingress plugin: validate headers and body of every answer against the schemas."""

    def __init__(self, register: RegisterContract = PMLP_REGISTER) -> None:
        self.register = register

    def ingress(self, envelope: etree._Element, http_headers: Any, operation: Any) -> Any:
        body = envelope.find(f"{{{SOAP11_ENV}}}Body")
        payload = [] if body is None else [c for c in body if isinstance(c.tag, str)]
        if len(payload) == 1 and payload[0].tag == f"{{{SOAP11_ENV}}}Fault":
            return envelope, http_headers  # zeep raises the fault
        if len(payload) != 1 or payload[0].tag != self.register.response.text:
            raise MalformedAnswer("the body does not hold one answer element")
        if schema_errors(self.register.body_schema(), payload[0]):
            raise MalformedAnswer(f"the answer does not match {self.register.body_xsd.name}")
        header = envelope.find(f"{{{SOAP11_ENV}}}Header")
        seen: set[str] = set()
        for element in [] if header is None else header:
            if not isinstance(element.tag, str) or etree.QName(element).namespace != XROAD:
                continue
            name = etree.QName(element).localname
            if name in seen or name not in contract.RESPONSE_HEADERS:
                raise MalformedAnswer("unexpected or repeated X-Road header")
            if schema_errors(contract.header_schema(), element):
                raise MalformedAnswer("an X-Road header does not match xroad-headers.xsd")
            seen.add(name)
        if not {"id", "userId"} <= seen:
            raise MalformedAnswer("the answer does not echo the id and userId headers")
        return envelope, http_headers

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        return envelope, http_headers


def record_from_answer(
    answer: Any, *, asked: str, message_id: str, user_id: str
) -> RegisterRecord | None:
    """The record in a zeep answer to a question about ``asked`` (11 digits), or ``None``.

    ``message_id`` and ``user_id`` are the headers sent; the answer must repeat them.
    """
    header, body = _get(answer, "header"), _get(answer, "body")
    if _get(header, "id") != message_id or _get(header, "userId") != user_id:
        raise MalformedAnswer("the answer does not repeat the request's id and userId")
    found, person = _get(body, "found"), _get(body, "person")
    if found is False and person is None:
        return None
    if found is not True or person is None:
        raise MalformedAnswer("found and person disagree")
    if _get(person, "personalCode") != asked:
        raise MalformedAnswer("the answer is about another person")
    container = _get(person, "representatives")  # zeep reads an empty one as None
    reps = [] if container is None else _get(container, "representative") or []
    return RegisterRecord(
        personal_code=asked,
        birth_date=_date(_get(person, "birthDate"), required=True),
        declared_of_age=_bool(_get(person, "declaredOfAge")),
        representatives=tuple(_representative(rep, asked) for rep in reps),
    )


def _representative(rep: Any, subject: str) -> Representative:
    try:
        code = parse_personal_code(_get(rep, "personalCode")).digits
    except InvalidPersonalCode:
        raise MalformedAnswer("a representative's personal code is not valid") from None
    if code == subject:
        raise MalformedAnswer("a person cannot represent themselves")
    try:
        kind = RelationKind(_get(rep, "kind"))
    except ValueError:
        raise MalformedAnswer("unknown kind of representation") from None
    valid_from = _date(_get(rep, "validFrom"), required=False)
    valid_to = _date(_get(rep, "validTo"), required=False)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise MalformedAnswer("a relation ends before it starts")
    return Representative(code, kind, _bool(_get(rep, "custody")), valid_from, valid_to)


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        raise MalformedAnswer(f"{name}: its parent is missing")
    try:
        return obj[name]
    except (KeyError, TypeError, AttributeError, IndexError):
        raise MalformedAnswer(f"{name} is missing") from None


def _date(value: Any, *, required: bool) -> date | None:
    if value is None and not required:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise MalformedAnswer("not a date")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise MalformedAnswer("not a boolean")
    return value
