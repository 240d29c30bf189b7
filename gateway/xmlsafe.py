"""The one way XML comes in: hardened parsing, shape limits and cached schemas.

Every parser here resolves no entities, loads no DTD, fetches nothing from the network and
refuses huge trees. After parsing, a document is refused outright when it has a DOCTYPE (SOAP
1.1 §3 forbids it, and lxml's safe settings would still leave entity references in place), a
processing instruction (SOAP forbids them too: refused, not stripped), or a shape beyond
:class:`XmlLimits`: depth, element and attribute counts, namespace declarations, text and name
lengths. The input is already bounded in bytes, so the walk is bounded too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field


class UnsafeXML(ValueError):
    """A document was refused before its content was looked at (DOCTYPE, not XML, too big)."""


class XmlLimits(BaseModel):
    """Limits on the shape of one incoming document; each a setting (``xml_limits``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_depth: int = Field(default=24, ge=4, le=200, description="Deepest element nesting.")
    max_elements: int = Field(default=2000, ge=10, le=1_000_000, description="Most elements.")
    max_attributes: int = Field(
        default=2000, ge=10, le=1_000_000, description="Most attributes in the whole document."
    )
    max_namespaces: int = Field(
        default=50,
        ge=4,
        le=10_000,
        description="Most namespace declarations in the whole document.",
    )
    max_text: int = Field(
        default=8192,
        ge=64,
        le=10_000_000,
        description="Longest text or attribute value, in characters.",
    )
    max_name: int = Field(
        default=256,
        ge=16,
        le=10_000,
        description="Longest element or attribute name with namespace.",
    )


def hardened_parser() -> etree.XMLParser:
    """A new parser that resolves nothing and fetches nothing (one per call: not shared).

    Processing instructions are kept so that they can be refused; comments are dropped.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
    )


def parse_message(
    data: bytes, *, max_bytes: int, limits: XmlLimits | None = None
) -> etree._Element:
    """Parse one message with :func:`hardened_parser`; refuse DOCTYPEs, PIs, oversize input
    and, with ``limits``, a shape beyond them."""
    if len(data) > max_bytes:
        raise UnsafeXML("message too large")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXML("not well-formed XML") from exc
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise UnsafeXML("DOCTYPE is not allowed")
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction):
            raise UnsafeXML("processing instructions are not allowed")
    check_shape(root, limits or XmlLimits())
    return root


def check_shape(root: etree._Element, limits: XmlLimits) -> None:
    """Refuse a tree beyond ``limits``, or one holding a processing instruction or entity."""
    for _node in root.iter(etree.PI, etree.Entity):
        raise UnsafeXML("processing instructions and entities are not allowed")
    elements = attributes = namespaces = depth = 0
    inherited: list[int] = [0]
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            inherited.pop()
            continue
        depth += 1
        elements += 1
        attributes += len(node.attrib)
        declared = len(node.nsmap)
        namespaces += max(declared - inherited[-1], 0)
        inherited.append(declared)
        if depth > limits.max_depth:
            raise UnsafeXML("too deep")
        if elements > limits.max_elements or attributes > limits.max_attributes:
            raise UnsafeXML("too many elements or attributes")
        if namespaces > limits.max_namespaces:
            raise UnsafeXML("too many namespace declarations")
        if len(node.tag) > limits.max_name:
            raise UnsafeXML("name too long")
        for name, value in node.attrib.items():
            if len(name) > limits.max_name or len(value) > limits.max_text:
                raise UnsafeXML("attribute too long")
        for text in (node.text, node.tail):
            if text is not None and len(text) > limits.max_text:
                raise UnsafeXML("text too long")


@cache
def load_schema(path: Path) -> etree.XMLSchema:
    """The XML Schema at ``path``, parsed once per process (imports resolved from disk only)."""
    return etree.XMLSchema(etree.parse(str(path), parser=hardened_parser()))


_VALIDATION_LOCK = threading.Lock()


def schema_errors(schema: etree.XMLSchema, element: etree._Element) -> list[str]:
    """Validate one element as if it were a document's root; the messages of its errors."""
    with _VALIDATION_LOCK:  # a schema's error log is shared state
        if schema.validate(element):
            return []
        log: Iterable[Any] = schema.error_log  # type: ignore[assignment]  # stubs lack __iter__
        return [f"line {e.line}: {e.message}" for e in log]
