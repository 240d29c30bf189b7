"""X-Road message protocol v4.0 headers of an incoming request (PR-MESS §2.4).

``client``, ``service``, ``id`` and ``protocolVersion`` are required by the protocol; ``userId``
by us (RULES §1); ``issue`` is optional. Each may appear once. The ``service`` must name this
gateway (its member and subsystem from settings), a service code it publishes, and version
``v1``; the ``client`` must be a MEMBER or SUBSYSTEM on the per-service allow-list. The answer
repeats the request's X-Road headers in the same order with the same values.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from gateway import xroad as protocol
from gateway.domain.personal_code import PersonalCode, parse_user_id
from gateway.errors import InvalidPersonalCode, InvalidRequest, InvalidUserId, UnknownClient
from gateway.settings import Settings
from gateway.soap import contract
from gateway.soap import problems as P
from gateway.soap.operations import SERVICE_CODES
from gateway.xroad import HeaderProblem


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


def _collect(header: etree._Element | None) -> dict[str, etree._Element]:
    if header is None:
        raise InvalidRequest("no SOAP Header", field="Header", problem=P.NO_HEADER)
    try:
        return protocol.collect(header, contract.header_schema())
    except HeaderProblem as problem:
        if problem.missing and problem.name == "userId":
            raise InvalidUserId("missing userId", field="userId",
                                problem=P.missing_header("userId")) from None
        raise InvalidRequest(str(problem), field=problem.name,
                             problem=P.header_problem(problem)) from None


def check(header: etree._Element | None, settings: Settings, *,
          client: dict[str, str] | None = None) -> XRoadHeaders:
    """Check the request's X-Road headers; raise a client error for the first problem.

    ``client`` is the ``client`` header's :func:`~gateway.xroad.identifiers` when the caller
    has read them already (the boundary notes them for the audit record before any check):
    they are not read twice."""
    found = _collect(header)
    if (found["protocolVersion"].text or "") != protocol.PROTOCOL_VERSION:
        raise InvalidRequest("protocolVersion must be 4.0", field="protocolVersion",
                             problem=P.PROTOCOL_VERSION)

    service = found["service"]
    named = protocol.identifiers(service)
    own = settings.xroad_self
    expected = {
        "xRoadInstance": own.instance,
        "memberClass": own.member_class,
        "memberCode": own.member_code,
        "subsystemCode": own.subsystem_code,
        "serviceVersion": contract.SERVICE_VERSION,
    }
    if protocol.object_type(service) != "SERVICE" or any(
        named.get(name) != value for name, value in expected.items()
    ):
        raise InvalidRequest("the service header does not name this service", field="service",
                             problem=P.NOT_THIS_SERVICE)
    service_code = named.get("serviceCode", "")
    if service_code not in SERVICE_CODES:
        raise InvalidRequest("unknown service code", field="service",
                             problem=P.UNKNOWN_SERVICE_CODE)

    named_client = protocol.identifiers(found["client"]) if client is None else client
    try:
        protocol.check_client_kind(found["client"], named_client)
    except HeaderProblem as problem:
        raise InvalidRequest(str(problem), field="client",
                             problem=P.header_problem(problem)) from None
    caller = protocol.id_of(named_client)
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
        elements=tuple(found.values()),
    )
