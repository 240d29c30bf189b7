"""The registers the gateway consumes over X-Road, each described once by its contract.

The population register (PMLP, RULES §2, §3) and the Prison Administration's resocialisation
register (IeVP, RULES §8, §13) are reached the same way: a committed WSDL and body schema, one
service code, the X-Road headers of ``schemas/xroad-headers.xsd``. The request template, the
caller with its answer check (:mod:`gateway.registry.caller`) and the simulator take a
:class:`RegisterContract`, so there is one way of talking to a register and one way of
simulating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from gateway import xmlsafe
from gateway.contracts import schema_file, wsdl_file
from gateway.ns import IEVP, PMLP
from gateway.registry import contract


@dataclass(frozen=True, slots=True)
class RegisterContract:
    """One register service: its files, namespace, service code and element names."""

    name: str
    wsdl: Path
    body_xsd: Path
    namespace: str
    service_code: str
    binding: str
    placeholder: str
    """The ``soap:address`` of the committed WSDL, replaced by the real address."""
    service_version: str = "v1"

    @property
    def request(self) -> etree.QName:
        return etree.QName(self.namespace, self.service_code)

    @property
    def response(self) -> etree.QName:
        return etree.QName(self.namespace, self.service_code + "Response")

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file of this register's contract (what zeep may read of it; nothing else)."""
        return (self.wsdl, self.body_xsd, contract.XROAD_HEADERS_XSD,
                contract.XROAD_IDENTIFIERS_XSD)

    def body_schema(self) -> etree.XMLSchema:
        """The body schema, loaded once (``xmlsafe.load_schema`` caches)."""
        return xmlsafe.load_schema(self.body_xsd)


PMLP_REGISTER = RegisterContract(
    name="pmlp",
    wsdl=contract.WSDL_PATH,
    body_xsd=contract.PMLP_XSD,
    namespace=PMLP,
    service_code=contract.SERVICE_CODE,
    binding=contract.BINDING.text,
    placeholder="http://127.0.0.1:8081/",
)
IEVP_REGISTER = RegisterContract(
    name="ievp",
    wsdl=wsdl_file("ievp-resocialisation.wsdl"),
    body_xsd=schema_file("ievp-resocialisation.xsd"),
    namespace=IEVP,
    service_code="getResocialisationOfficials",
    binding=f"{{{IEVP}}}ievpResocialisationBinding",
    placeholder="http://127.0.0.1:8082/",
)
REGISTERS = {r.name: r for r in (PMLP_REGISTER, IEVP_REGISTER)}
