"""The register's side of the wire: read an X-Road request, write its answer or a fault.

Used by the simulator. A request is checked as the X-Road message protocol v4.0 wants it
(PR-MESS §2.4): the headers ``client``, ``service``, ``id``, ``userId`` and ``protocolVersion``
present once each, valid against ``schemas/xroad-headers.xsd``, protocol version ``4.0``, the
client a member or a subsystem, the service the register's own with the service code of the body
element; the ``userId`` a Latvian personal code (RULES §1); the body valid against
``schemas/pmlp-representation.xsd``. The response repeats the request's headers (PR-MESS §2.4:
the provider echoes them) and adds ``requestHash``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from dataclasses import dataclass

from lxml import etree

from gateway import xroad as protocol
from gateway.domain.mandate import RegisterRecord
from gateway.domain.personal_code import parse_user_id
from gateway.errors import InvalidPersonalCode
from gateway.ns import PMLP, SOAP11_ENV, XROAD, XROAD_ID
from gateway.registry import contract
from gateway.registry.contract import UnsafeXML, parse_message, schema_errors, xroad
from gateway.registry.registers import PMLP_REGISTER, RegisterContract
from gateway.settings import XRoadMember

SHA512_URI = "http://www.w3.org/2001/04/xmlenc#sha512"
_NSMAP = {"SOAP-ENV": SOAP11_ENV, "xrd": XROAD, "iden": XROAD_ID, "pmlp": PMLP}


class RequestRefused(Exception):
    """The request breaks the protocol; ``faultcode`` and ``faultstring`` go in the fault."""

    def __init__(self, faultcode: str, faultstring: str) -> None:
        super().__init__(faultstring)
        self.faultcode = faultcode
        self.faultstring = faultstring


@dataclass(frozen=True, slots=True)
class RegisterRequest:
    """A checked request: its header elements (to echo), message id and the code asked about."""

    headers: tuple[etree._Element, ...]
    message_id: str
    personal_code: str  # 11 digits
    request_hash: str  # base64 SHA-512 of the request as received


def read_request(data: bytes, service: XRoadMember,
                 register: RegisterContract = PMLP_REGISTER) -> RegisterRequest:
    """Check one request to ``register`` against the protocol; raise :class:`RequestRefused`
    if it breaks it."""
    try:
        root = parse_message(data)
    except UnsafeXML as exc:
        raise RequestRefused("Client.InvalidXml", str(exc)) from None
    if root.tag != f"{{{SOAP11_ENV}}}Envelope":
        raise RequestRefused("Client.InvalidSoap", "not a SOAP 1.1 envelope")
    header = root.find(f"{{{SOAP11_ENV}}}Header")
    body = root.find(f"{{{SOAP11_ENV}}}Body")
    if header is None or body is None:
        raise RequestRefused("Client.InvalidSoap", "the envelope needs a Header and a Body")

    found = _headers(header)
    _check_service(found["service"], service, register.service_version)
    _check_client(found["client"])
    if (found["protocolVersion"].text or "") != protocol.PROTOCOL_VERSION:
        raise RequestRefused("Client.InvalidProtocolVersion", "protocolVersion must be 4.0")
    try:
        parse_user_id(found["userId"].text or "")
    except InvalidPersonalCode:
        raise RequestRefused("Client.InvalidUserId", "userId must be LV + personal code") from None

    payload = [child for child in body if isinstance(child.tag, str)]
    if len(payload) != 1 or payload[0].tag != register.request.text:
        raise RequestRefused("Client.InvalidRequest", "the body must hold one request element")
    code = found["service"].findtext(f"{{{XROAD_ID}}}serviceCode")
    if code != etree.QName(payload[0]).localname:
        raise RequestRefused("Client.InvalidXRoadHeader", "serviceCode does not match the body")
    if errors := schema_errors(register.body_schema(), payload[0]):
        raise RequestRefused("Client.InvalidRequest", "; ".join(errors))

    return RegisterRequest(
        headers=tuple(found[name] for name in protocol.KNOWN if name in found),
        message_id=found["id"].text or "",
        personal_code=payload[0].findtext(f"{{{register.namespace}}}personalCode") or "",
        request_hash=base64.b64encode(hashlib.sha512(data).digest()).decode("ascii"),
    )


def _headers(header: etree._Element) -> dict[str, etree._Element]:
    try:
        return protocol.collect(header, contract.header_schema())
    except protocol.HeaderProblem as problem:
        code = "Client.MissingXRoadHeader" if problem.missing else "Client.InvalidXRoadHeader"
        raise RequestRefused(code, f"{problem.name}: {problem}") from None


def _check_client(client: etree._Element) -> None:
    try:
        protocol.check_client_kind(client)
    except protocol.HeaderProblem as problem:
        raise RequestRefused("Client.InvalidXRoadHeader", str(problem)) from None


def _check_service(element: etree._Element, service: XRoadMember, service_version: str
                   ) -> None:
    if protocol.object_type(element) != "SERVICE":
        raise RequestRefused("Client.InvalidXRoadHeader", "service objectType must be SERVICE")
    expected = {
        "xRoadInstance": service.instance,
        "memberClass": service.member_class,
        "memberCode": service.member_code,
        "subsystemCode": service.subsystem_code,
    }
    for name, value in expected.items():
        if element.findtext(f"{{{XROAD_ID}}}{name}") != value:
            raise RequestRefused("Server.UnknownService", f"this is not the service ({name})")
    version = element.findtext(f"{{{XROAD_ID}}}serviceVersion")
    if version not in (None, service_version):
        raise RequestRefused("Server.UnknownService", "unknown serviceVersion")


def build_response(request: RegisterRequest, record: RegisterRecord | None) -> bytes:
    """The answer to ``request``: its headers echoed, ``requestHash``, and the record."""
    return build_answer(request, answer_element(record))


def build_answer(request: RegisterRequest, payload: etree._Element) -> bytes:
    """The answer to ``request`` of any register: its headers echoed, ``requestHash``, and
    the ``payload`` body element."""
    envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=_NSMAP)
    header = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Header")
    for element in request.headers:
        header.append(copy.deepcopy(element))
    hash_element = etree.SubElement(header, xroad("requestHash"), algorithmId=SHA512_URI)
    hash_element.text = request.request_hash
    body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
    body.append(payload)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def answer_element(record: RegisterRecord | None) -> etree._Element:
    """The ``getPersonRepresentationResponse`` body element for a record or "not found"."""
    answer = etree.Element(contract.RESPONSE.text, nsmap={"pmlp": PMLP})

    def add(parent: etree._Element, name: str, text: str) -> etree._Element:
        child = etree.SubElement(parent, f"{{{PMLP}}}{name}")
        child.text = text
        return child

    add(answer, "found", _xs_bool(record is not None))
    if record is None:
        return answer
    person = etree.SubElement(answer, f"{{{PMLP}}}person")
    add(person, "personalCode", record.personal_code)
    add(person, "birthDate", record.birth_date.isoformat() if record.birth_date else "")
    add(person, "declaredOfAge", _xs_bool(record.declared_of_age))
    reps = etree.SubElement(person, f"{{{PMLP}}}representatives")
    for rep in record.representatives:
        item = etree.SubElement(reps, f"{{{PMLP}}}representative")
        add(item, "personalCode", rep.personal_code)
        add(item, "givenName", rep.given_name)
        add(item, "familyName", rep.family_name)
        add(item, "kind", rep.kind.value)
        add(item, "custody", _xs_bool(rep.custody))
        if rep.valid_from is not None:
            add(item, "validFrom", rep.valid_from.isoformat())
        if rep.valid_to is not None:
            add(item, "validTo", rep.valid_to.isoformat())
    return answer


def build_fault(faultcode: str, faultstring: str) -> bytes:
    """A SOAP 1.1 fault envelope (sent with HTTP status 500)."""
    envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP11_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP11_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"SOAP-ENV:{faultcode}"
    etree.SubElement(fault, "faultstring").text = faultstring
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def _xs_bool(value: bool) -> str:
    return "true" if value else "false"
