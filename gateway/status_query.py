"""``gateway verify FILE.edoc --status-from URL``: ask a running gateway what became of the
certificate in a local ``.edoc`` (RULES §13).

The certificate number is read from the container (its PDF is named after the number, see
:func:`gateway.documents.issue.file_stem`); the holder's personal code is given, as a third
party knows it. The question is ``verifyCertificate`` over our committed WSDL, sent as the
configured verifier client with the X-Road headers. zeep, loading only the committed contract
files, writes the request and reads the answer; the exchange is one bounded POST
(:class:`~gateway.registry.wire.BoundedPost`: timeouts, a total deadline, a size cap), and the
answer's signature is verified, on the bytes received, against the pinned CA before it is
believed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from lxml import etree

from gateway import xroad
from gateway.contracts.reader import contract_reader
from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidRequest, SignatureInvalid
from gateway.registry.wire import BoundedPost
from gateway.signing.asice import read_container
from gateway.signing.verify import MAX_ANSWER_BYTES, Anchors, verify_soap_answer
from gateway.soap import contract
from gateway.xmlsafe import ANSWER_LIMITS, parse_message

_BINDING = "{http://vpis.visc.gov.lv/xroad/vpis/v1}vpisBinding"
_STEM = re.compile(r"([0-9]{4})-([0-9A-Z-]{1,40})\.pdf", re.ASCII)
_FILES = (contract.WSDL_PATH, contract.VPIS_XSD, contract.XROAD_HEADERS_XSD,
          contract.XROAD_HEADERS_XSD.parent / "xroad-identifiers.xsd")


class GatewayFault(Exception):
    """The gateway refused the question (a SOAP fault, HTTP 500)."""


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """What the gateway answered, and the checks its signature passed."""

    number: str
    status: str
    exam: str | None
    school_year: str | None
    total_percent: float | None
    checks: list[str]

    def describe(self) -> str:
        if self.status != "valid":
            return f"{self.number}: {self.status}"
        return (f"{self.number}: valid ({self.exam}, {self.school_year}, "
                f"{self.total_percent} %)")


def number_in_edoc(edoc: bytes) -> str:
    """The certificate number of an ``.edoc`` made by the gateway: ``2024-3019-FRA09.pdf``
    holds certificate ``2024/3019-FRA09``."""
    names = [n for n in read_container(edoc).data_files if n.endswith(".pdf")]
    match = _STEM.fullmatch(names[0]) if len(names) == 1 else None
    if match is None:
        raise InvalidRequest("no certificate number in the container")
    return f"{match.group(1)}/{match.group(2)}"


def _client_header(client: str) -> dict[str, Any]:
    instance, member_class, member, *subsystem = client.split("/")
    header: dict[str, Any] = {"objectType": "SUBSYSTEM" if subsystem else "MEMBER",
                              "xRoadInstance": instance, "memberClass": member_class,
                              "memberCode": member}
    if subsystem:
        header["subsystemCode"] = subsystem[0]
    return header


def query_status(url: str, number: str, holder: PersonalCode, *, user: PersonalCode,
                 client: str, service: dict[str, str], ca: Anchors,
                 timeout: float = 5.0) -> CertificateStatus:
    """Ask the gateway at ``url`` for the status of ``number`` held by ``holder``."""
    soap = contract_reader(contract.WSDL_PATH, _FILES)
    headers = {"client": _client_header(client),
               "service": dict(service, objectType="SERVICE",
                               serviceCode="verifyCertificate", serviceVersion="v1"),
               "id": uuid.uuid4().hex, "userId": "LV" + user.digits,
               "protocolVersion": xroad.PROTOCOL_VERSION}
    message = soap.create_message(soap.create_service(_BINDING, url), "verifyCertificate",
                                  documentNumber=number, personalCode=holder.display,
                                  _soapheaders=headers)
    wire = BoundedPost(url, connect_timeout=timeout, read_timeout=timeout)
    try:
        status, raw = wire.post(etree.tostring(message, xml_declaration=True, encoding="UTF-8"))
    finally:
        wire.close()
    if status != 200:
        raise GatewayFault(status)  # a refusal: the gateway answers faults with HTTP 500
    checks = verify_soap_answer(raw, ca_certificate=ca)  # parses with the hardened parser
    operation = soap.wsdl.bindings[_BINDING].get("verifyCertificate")
    answer = operation.output.deserialize(
        parse_message(raw, max_bytes=MAX_ANSWER_BYTES, limits=ANSWER_LIMITS))
    body = answer.body
    if body.documentNumber != number:
        raise SignatureInvalid("the answer is about another certificate", reason="answer")
    total = None if body.totalPercent is None else float(body.totalPercent)
    return CertificateStatus(number, str(body.status), body.examName, body.schoolYear, total,
                             checks)
