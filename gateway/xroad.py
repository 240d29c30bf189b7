"""X-Road message protocol v4.0 headers (PR-MESS §2.4), the same on both sides of the wire.

The gateway checks them on the requests it serves (:mod:`gateway.soap.xroad`) and the register
simulator on the requests it receives (:mod:`gateway.simulators.register_envelope`); each side
turns a :class:`HeaderProblem` into its own fault.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from gateway.ns import SOAP11_ENV, XROAD, XROAD_ID
from gateway.xmlsafe import schema_errors

PROTOCOL_VERSION = "4.0"
REQUIRED = ("client", "service", "id", "userId", "protocolVersion")
"""Headers every request carries (PR-MESS §2.4; ``userId``: RULES §1)."""
OPTIONAL = ("issue",)
KNOWN = REQUIRED + OPTIONAL
"""The request headers, in the order the WSDLs list them."""

_OBJECT_TYPE = f"{{{XROAD_ID}}}objectType"
_XROAD = f"{{{XROAD}}}"
_IDEN = f"{{{XROAD_ID}}}"


class HeaderProblem(Exception):
    """A request's X-Road headers break the protocol; ``name`` is the header at fault."""

    def __init__(self, detail: str, *, name: str, missing: bool = False) -> None:
        super().__init__(detail)
        self.name = name
        self.missing = missing


def object_type(element: etree._Element) -> str:
    """The ``iden:objectType`` of an identifier header ("" when absent)."""
    return element.get(_OBJECT_TYPE) or ""


def identifiers(element: etree._Element) -> dict[str, str]:
    """The texts of an identifier header's ``iden:`` children by local name, in one pass
    (the first of a repeated one; the header schema allows no repetition)."""
    found: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(_IDEN):
            found.setdefault(tag[len(_IDEN):], child.text or "")
    return found


def id_of(found: dict[str, str]) -> str:
    """``INSTANCE/CLASS/MEMBER[/SUBSYSTEM]`` of a ``client`` header from its
    :func:`identifiers`, as allow-lists write it."""
    parts = [found.get(n, "") for n in ("xRoadInstance", "memberClass", "memberCode")]
    subsystem = found.get("subsystemCode")
    if subsystem is not None:
        parts.append(subsystem)
    return "/".join(parts)


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


def collect(header: etree._Element, schema: etree.XMLSchema) -> dict[str, etree._Element]:
    """The X-Road header elements by local name: each known, once, valid against ``schema``,
    and every required one present. Headers of other namespaces are left to the caller."""
    found: dict[str, etree._Element] = {}
    for element in header:
        tag = element.tag
        if not isinstance(tag, str) or not tag.startswith(_XROAD):  # {namespace}name
            continue
        name = tag[len(_XROAD):]
        if name not in KNOWN:
            raise HeaderProblem("unexpected X-Road header", name=name)
        if name in found:
            raise HeaderProblem("repeated X-Road header", name=name)
        if schema_errors(schema, _without_soap_attributes(element)):
            raise HeaderProblem("X-Road header not valid", name=name)
        found[name] = element
    for name in REQUIRED:
        if name not in found:
            raise HeaderProblem("missing X-Road header", name=name, missing=True)
    return found


def check_client_kind(client: etree._Element, found: dict[str, str] | None = None) -> None:
    """The ``client`` is a MEMBER, or a SUBSYSTEM with its subsystem code (PR-MESS §2.1);
    ``found``: its :func:`identifiers`, when read already."""
    kind = object_type(client)
    has_subsystem = "subsystemCode" in (identifiers(client) if found is None else found)
    if kind not in ("MEMBER", "SUBSYSTEM") or has_subsystem != (kind == "SUBSYSTEM"):
        raise HeaderProblem("client must be a MEMBER or a SUBSYSTEM", name="client")
