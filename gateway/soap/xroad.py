"""X-Road message protocol v4.0 headers of an incoming request (PR-MESS §2.4).

``client``, ``service``, ``id`` and ``protocolVersion`` are required by the protocol; ``userId``
by us (RULES §1); ``issue`` is optional. Each may appear once. The ``service`` must name this
gateway (its member and subsystem from settings), a service code it publishes, and version
``v1``; the ``client`` must be a MEMBER or SUBSYSTEM on the per-service allow-list. The answer
repeats the request's X-Road headers in the same order with the same values.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from gateway.domain.personal_code import PersonalCode, parse_user_id
from gateway.errors import InvalidPersonalCode, InvalidRequest, InvalidUserId, UnknownClient
from gateway.ns import SOAP11_ENV, XROAD, XROAD_ID
from gateway.settings import SERVICE_CODES, Settings
from gateway.soap import contract
from gateway.xmlsafe import schema_errors

REQUIRED = ("client", "service", "id", "userId", "protocolVersion")
OPTIONAL = ("issue",)
KNOWN = REQUIRED + OPTIONAL
_OBJECT_TYPE = f"{{{XROAD_ID}}}objectType"


@dataclass(frozen=True, slots=True)
class XRoadHeaders:
    """The checked X-Road headers of one request."""

    client: str  # INSTANCE/CLASS/MEMBER[/SUBSYSTEM]
    service_code: str
    message_id: str
    user_id: str
    requester: PersonalCode
    issue: str | None
    elements: tuple[etree._Element, ...]  # as received, in order, for the echo


def _text(element: etree._Element, name: str) -> str | None:
    child = element.find(f"{{{XROAD_ID}}}{name}")
    return None if child is None else (child.text or "")


def client_id(element: etree._Element) -> str:
    """``INSTANCE/CLASS/MEMBER[/SUBSYSTEM]`` of a ``client`` header, as the allow-list has it."""
    parts = [_text(element, n) for n in ("xRoadInstance", "memberClass", "memberCode")]
    subsystem = _text(element, "subsystemCode")
    if subsystem is not None:
        parts.append(subsystem)
    return "/".join(p or "" for p in parts)


def _without_soap_attributes(element: etree._Element) -> etree._Element:
    """The element as the header schema sees it: SOAP's own attributes (mustUnderstand,
    actor) belong to the envelope's processing model, not to the X-Road type."""
    soap = [name for name in element.attrib if etree.QName(name).namespace == SOAP11_ENV]
    if not soap:
        return element
    stripped = deepcopy(element)
    for name in soap:
        del stripped.attrib[name]
    return stripped


def collect(header: etree._Element | None) -> dict[str, etree._Element]:
    """The X-Road header elements by local name, each checked against our header schema."""
    found: dict[str, etree._Element] = {}
    if header is None:
        raise InvalidRequest("no SOAP Header", field="Header")
    for element in header:
        if etree.QName(element).namespace != XROAD:
            continue  # others: the envelope check already refused mustUnderstand ones
        name = etree.QName(element).localname
        if name not in KNOWN:
            raise InvalidRequest("unexpected X-Road header", field=name)
        if name in found:
            raise InvalidRequest("repeated X-Road header", field=name)
        if schema_errors(contract.header_schema(), _without_soap_attributes(element)):
            raise InvalidRequest("X-Road header not valid", field=name)
        found[name] = element
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        if missing == ["userId"]:
            raise InvalidUserId("missing userId", field="userId")
        raise InvalidRequest("missing X-Road header", field=missing[0])
    return found


def check(header: etree._Element | None, settings: Settings) -> XRoadHeaders:
    """Check the request's X-Road headers; raise a client error for the first problem."""
    found = collect(header)
    if (found["protocolVersion"].text or "") != contract.PROTOCOL_VERSION:
        raise InvalidRequest("protocolVersion must be 4.0", field="protocolVersion")

    service = found["service"]
    own = settings.xroad_self
    expected = {
        "xRoadInstance": own.instance,
        "memberClass": own.member_class,
        "memberCode": own.member_code,
        "subsystemCode": own.subsystem_code,
        "serviceVersion": contract.SERVICE_VERSION,
    }
    if service.get(_OBJECT_TYPE) != "SERVICE" or any(
        _text(service, name) != value for name, value in expected.items()
    ):
        raise InvalidRequest("the service header does not name this service", field="service")
    service_code = _text(service, "serviceCode") or ""
    if service_code not in SERVICE_CODES:
        raise InvalidRequest("unknown service code", field="service")

    client = found["client"]
    kind = client.get(_OBJECT_TYPE)
    has_subsystem = client.find(f"{{{XROAD_ID}}}subsystemCode") is not None
    if kind not in ("MEMBER", "SUBSYSTEM") or has_subsystem != (kind == "SUBSYSTEM"):
        raise InvalidRequest("client must be a MEMBER or a SUBSYSTEM", field="client")
    caller = client_id(client)
    if caller not in settings.allowed_clients.get(service_code, []):
        raise UnknownClient("client not on the allow-list", client=caller)

    user_id = found["userId"].text or ""
    try:
        requester = parse_user_id(user_id)
    except InvalidPersonalCode:
        raise InvalidUserId("userId is not LV + a personal code", field="userId") from None

    issue = found.get("issue")
    return XRoadHeaders(
        client=caller,
        service_code=service_code,
        message_id=found["id"].text or "",
        user_id=user_id,
        requester=requester,
        issue=None if issue is None else (issue.text or ""),
        elements=tuple(e for e in header if e in found.values()) if header is not None else (),
    )
