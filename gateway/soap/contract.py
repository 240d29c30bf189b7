"""The published contract (``wsdl/vpis.wsdl``, ``schemas/vpis.xsd``), loaded once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from gateway.contracts import schema_file, wsdl_file
from gateway.ns import VPIS, WSDL_SOAP
from gateway.xmlsafe import hardened_parser, load_schema

WSDL_PATH: Path = wsdl_file("vpis.wsdl")
VPIS_XSD: Path = schema_file("vpis.xsd")
XROAD_HEADERS_XSD: Path = schema_file("xroad-headers.xsd")
BINDING = etree.QName(VPIS, "vpisBinding")
SERVICE_VERSION = "v1"


def body_schema() -> etree.XMLSchema:
    """Our payload schema: requests are validated against it, and tests validate answers."""
    return load_schema(VPIS_XSD)


def header_schema() -> etree.XMLSchema:
    """Our schema of the X-Road header elements."""
    return load_schema(XROAD_HEADERS_XSD)


@lru_cache(maxsize=8)
def wsdl_for(address: str) -> bytes:
    """The committed WSDL with only its ``soap:address`` set to ``address``.

    Its schema imports are rewritten to ``?xsd=<file>``, served beside it, so that a client
    reading the WSDL over HTTP finds the same files as one reading the checkout.
    """
    tree = etree.parse(str(WSDL_PATH), parser=hardened_parser())
    for element in tree.iter(f"{{{WSDL_SOAP}}}address"):
        element.set("location", address)
    for element in tree.iter("{http://www.w3.org/2001/XMLSchema}import"):
        location = element.get("schemaLocation")
        if location:
            element.set("schemaLocation", f"{address}?xsd={Path(location).name}")
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


SERVED_SCHEMAS = ("vpis.xsd", "xroad-headers.xsd", "xroad-identifiers.xsd")


@lru_cache(maxsize=16)
def schema_for(name: str, address: str) -> bytes | None:
    """A schema file the WSDL imports, its own imports pointed at ``?xsd=`` as well."""
    if name not in SERVED_SCHEMAS:
        return None
    tree = etree.parse(str(schema_file(name)), parser=hardened_parser())
    for element in tree.iter("{http://www.w3.org/2001/XMLSchema}import"):
        location = element.get("schemaLocation")
        if location:
            element.set("schemaLocation", f"{address}?xsd={Path(location).name}")
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
