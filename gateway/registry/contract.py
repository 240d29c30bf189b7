"""The committed contract of the register service, and the one place that loads it.

The WSDL (``wsdl/pmlp-representation.wsdl``) and its schemas (``schemas/``) are files of the
repository. The client validates the answers it receives, and the simulator what it receives
and what it answers, against the same schemas, loaded here once; zeep reads the WSDL in the
tests that prove the contract. Every XML parser here is
hardened: no DTDs, no entities, no network, no huge trees.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from gateway import xmlsafe
from gateway import xroad as protocol
from gateway.contracts import schema_file, wsdl_file
from gateway.ns import PMLP, XROAD
from gateway.xmlsafe import UnsafeXML, hardened_parser, schema_errors

__all__ = ["UnsafeXML", "hardened_parser", "parse_message", "schema_errors"]

WSDL_PATH: Path = wsdl_file("pmlp-representation.wsdl")
PMLP_XSD: Path = schema_file("pmlp-representation.xsd")
XROAD_HEADERS_XSD: Path = schema_file("xroad-headers.xsd")
XROAD_IDENTIFIERS_XSD: Path = schema_file("xroad-identifiers.xsd")
CONTRACT_FILES: tuple[Path, ...] = (WSDL_PATH, PMLP_XSD, XROAD_HEADERS_XSD, XROAD_IDENTIFIERS_XSD)
"""Every file of the contract; zeep reads nothing else, least of all from the network."""

SERVICE_CODE = "getPersonRepresentation"
SERVICE_VERSION = "v1"

BINDING = etree.QName(PMLP, "pmlpRepresentationBinding")
REQUEST = etree.QName(PMLP, SERVICE_CODE)
RESPONSE = etree.QName(PMLP, SERVICE_CODE + "Response")

RESPONSE_HEADERS: tuple[str, ...] = (*protocol.KNOWN, "requestHash")
"""Header parts of the WSDL's input and output, all in the :data:`gateway.ns.XROAD` namespace."""

MAX_MESSAGE_BYTES = 256 * 1024
"""Largest SOAP message either side reads; a register answer is a few kilobytes."""


def parse_message(data: bytes) -> etree._Element:
    """Parse one register message with the hardened parser; refuse any DOCTYPE."""
    return xmlsafe.parse_message(data, max_bytes=MAX_MESSAGE_BYTES)


def _schema(path: Path) -> etree.XMLSchema:
    return xmlsafe.load_schema(path)


def header_schema() -> etree.XMLSchema:
    """Our schema of the X-Road header elements (``schemas/xroad-headers.xsd``)."""
    return _schema(XROAD_HEADERS_XSD)


def body_schema() -> etree.XMLSchema:
    """The register service's body schema (``schemas/pmlp-representation.xsd``)."""
    return _schema(PMLP_XSD)


def xroad(name: str) -> str:
    """The Clark name ``{ns}name`` of an X-Road header element."""
    return f"{{{XROAD}}}{name}"
