"""``gateway verify FILE.edoc --status-from URL``: ask a running gateway what became of the
certificate in a local ``.edoc`` (RULES §13).

The certificate number is read from the container (its PDF is named after the number, see
:func:`gateway.documents.issue.file_stem`); the holder's personal code is given, as a third
party knows it. The question is ``verifyCertificate`` over our committed WSDL, sent as the
configured verifier client with the X-Road headers; zeep loads only the committed contract
files, and the answer's signature is verified against the pinned CA before it is believed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import zeep
from lxml import etree

from gateway import xroad
from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidRequest, SignatureInvalid
from gateway.registry.transport import ContractOnlyTransport
from gateway.signing.asice import read_container
from gateway.signing.verify import Anchors, verify_soap_answer
from gateway.soap import contract

_BINDING = "{http://vpis.visc.gov.lv/xroad/vpis/v1}vpisBinding"
_STEM = re.compile(r"([0-9]{4})-([0-9A-Z-]{1,40})\.pdf", re.ASCII)
_FILES = (contract.WSDL_PATH, contract.VPIS_XSD, contract.XROAD_HEADERS_XSD,
          contract.XROAD_HEADERS_XSD.parent / "xroad-identifiers.xsd")


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
    transport = ContractOnlyTransport(connect_timeout=timeout, read_timeout=timeout,
                                      contract_files=_FILES)
    history = zeep.plugins.HistoryPlugin()  # type: ignore[no-untyped-call]
    try:
        soap = zeep.Client(  # type: ignore[no-untyped-call]
            str(contract.WSDL_PATH), transport=transport, plugins=[history],
            settings=zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True))
        headers = {"client": _client_header(client),
                   "service": dict(service, objectType="SERVICE",
                                   serviceCode="verifyCertificate", serviceVersion="v1"),
                   "id": uuid.uuid4().hex, "userId": "LV" + user.digits,
                   "protocolVersion": xroad.PROTOCOL_VERSION}
        answer = soap.create_service(_BINDING, url).verifyCertificate(  # type: ignore[no-untyped-call]
            documentNumber=number, personalCode=holder.display, _soapheaders=headers)
        received = history.last_received
        assert received is not None  # zeep answered, so it received something
        raw = etree.tostring(received["envelope"])
    finally:
        transport.session.close()
    checks = verify_soap_answer(raw, ca_certificate=ca)
    body = answer.body
    if body.documentNumber != number:
        raise SignatureInvalid("the answer is about another certificate", reason="answer")
    total = None if body.totalPercent is None else float(body.totalPercent)
    return CertificateStatus(number, str(body.status), body.examName, body.schoolYear, total,
                             checks)
