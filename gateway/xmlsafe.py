"""The one way XML comes in: hardened parsing, shape limits and cached schemas.

Every parser here resolves no entities, loads no DTD, fetches nothing from the network and
refuses huge trees. Before parsing, a message must be UTF-8 (a BOM allowed) or UTF-16 with a BOM,
its XML declaration (if any) must say version 1.0 and that same encoding, and it must hold no
DOCTYPE: the DTD is never handed to libxml2 at all. After parsing, a document is refused
outright when it still has a DOCTYPE (SOAP 1.1 §3 forbids it), a processing instruction (SOAP
forbids them too: refused, not stripped), an XInclude element (never processed: refused, so
that no later step can), or a shape beyond :class:`XmlLimits`: depth, element and attribute
counts, namespace declarations, text and name lengths. The input is already bounded in bytes,
so the walk is bounded too. Comments carry no meaning and are dropped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
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


ANSWER_LIMITS = XmlLimits(
    max_depth=64,
    max_elements=1_000_000,
    max_attributes=1_000_000,
    max_namespaces=1_000,
    max_text=10_000_000,
    max_name=1_000,
)
"""Limits for reading a signed answer of ours (``gateway verify``), not a hostile request:
a ``getDocument`` answer carries a whole ``.edoc`` as one base64 text, far beyond the request
limits. DTDs, entities, PIs, XInclude and the network stay refused; libxml2's own bound on a
text node (10 MB without ``huge_tree``) still holds."""


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


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_FIRST_BYTES = (b"<", b" ", b"\t", b"\r", b"\n")
_S = r"[ \t\r\n]+"
_EQ = r"[ \t\r\n]*=[ \t\r\n]*"
_ENC_NAME = r"[A-Za-z][A-Za-z0-9._-]*"
# XML 1.0 §2.8 XMLDecl, with VersionNum pinned to 1.0 (SOAP 1.1 envelopes are XML 1.0).
_XML_DECL = re.compile(
    rf"<\?xml{_S}version{_EQ}(?:\"1\.0\"|'1\.0')"
    rf"(?:{_S}encoding{_EQ}(?:\"(?P<dq>{_ENC_NAME})\"|'(?P<sq>{_ENC_NAME})'))?"
    rf"(?:{_S}standalone{_EQ}(?:\"(?:yes|no)\"|'(?:yes|no)'))?[ \t\r\n]*\?>",
    re.ASCII,
)
_XINCLUDE = ("{http://www.w3.org/2001/XInclude}", "{http://www.w3.org/2003/XInclude}")


def check_encoding(data: bytes) -> str:
    """The codec ``data`` is in — ``utf-8`` or ``utf-16-le``/``utf-16-be`` — or refuse it.

    WS-I Basic Profile 1.1 R1012 allows UTF-8 and UTF-16 only, and X-Road's PR-MESS §2.6 lets
    a UTF-8 message start with a BOM. UTF-16 must start with its BOM (XML 1.0 §4.3.3). An XML
    declaration must be well formed, say version 1.0 and name the encoding the bytes are in:
    libxml2 would otherwise let a BOM silently win over the declaration, and would decode
    UTF-7, Latin-1 or EBCDIC — another reading of the same bytes than every other party's.
    """
    if data.startswith(_UTF32_BOMS):
        raise UnsafeXML("encoding not allowed")
    if data.startswith(_UTF8_BOM):
        codec, start, family = "utf-8", len(_UTF8_BOM), "utf-8"
    elif data[:2] in _UTF16_BOMS:
        codec, start, family = _UTF16_BOMS[data[:2]], 2, "utf-16"
    elif data[:1] in _FIRST_BYTES and data[1:2] != b"\x00":
        codec, start, family = "utf-8", 0, "utf-8"
    else:  # empty, not markup, UTF-16/32 without a BOM, EBCDIC …
        raise UnsafeXML("not UTF-8 or UTF-16 XML")
    head = data[start : start + 512].decode(codec, errors="replace")
    if head.startswith("<?xml") and head[5:6] in ("", " ", "\t", "\r", "\n", "?"):
        declaration = _XML_DECL.match(head)
        if declaration is None:
            raise UnsafeXML("bad XML declaration")
        declared = declaration.group("dq") or declaration.group("sq")
        if declared is not None and declared.lower() != family:
            raise UnsafeXML("declared encoding does not match the bytes")
    return codec


def parse_message(
    data: bytes, *, max_bytes: int, limits: XmlLimits | None = None
) -> etree._Element:
    """Parse one message with :func:`hardened_parser`; refuse another encoding than UTF-8 or
    UTF-16, DOCTYPEs, PIs, XInclude, oversize input and, with ``limits``, a shape beyond them."""
    if len(data) > max_bytes:
        raise UnsafeXML("message too large")
    codec = check_encoding(data)
    if "<!DOCTYPE".encode(codec) in data:  # refused before libxml2 reads a DTD
        raise UnsafeXML("DOCTYPE is not allowed")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXML("not well-formed XML") from exc
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise UnsafeXML("DOCTYPE is not allowed")
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction):
            raise UnsafeXML("processing instructions are not allowed")
    check_shape(root, limits or XmlLimits(), source=(data, codec))
    return root


def check_shape(root: etree._Element, limits: XmlLimits, *,
                source: tuple[bytes, str] | None = None) -> None:
    """Refuse a tree beyond ``limits``, or one holding a processing instruction, an entity or
    an XInclude element.

    With ``source`` (the bytes the tree was parsed from and their codec) a small document is
    checked without walking it in Python: when its bytes alone bound its counts and lengths
    below the limits (:func:`_bounded_by_source`), only the depth (in libxml2), the names and
    XInclude are left to check. Anything else is walked, counting as it goes.
    """
    for _node in root.iter(etree.PI, etree.Entity):
        raise UnsafeXML("processing instructions and entities are not allowed")
    if source is not None and _bounded_by_source(*source, limits):
        for _node in root.iter(*_XINCLUDE_ANY):
            raise UnsafeXML("XInclude is not allowed")
        if _deeper_than(limits.max_depth)(root):
            raise UnsafeXML("too deep")
        for element in root.iter(etree.Element):
            if len(element.tag) > limits.max_name or any(
                    len(name) > limits.max_name for name in element.attrib):
                raise UnsafeXML("name too long")
        return
    elements = attributes = namespaces = depth = 0
    scopes: list[dict[str | None, str]] = [{}]
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            scopes.pop()
            continue
        depth += 1
        elements += 1
        attributes += len(node.attrib)
        # A declaration is a prefix bound here to another URI than in the parent's scope;
        # re-binding a prefix counts as much as a new one.
        scope = node.nsmap
        namespaces += sum(1 for prefix, uri in scope.items() if scopes[-1].get(prefix) != uri)
        scopes.append(scope)
        if node.tag.startswith(_XINCLUDE):
            raise UnsafeXML("XInclude is not allowed")
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


_XINCLUDE_ANY = tuple(f"{namespace}*" for namespace in _XINCLUDE)


def _bounded_by_source(data: bytes, codec: str, limits: XmlLimits) -> bool:
    """Whether the bytes of a document bound its shape within ``limits`` but for depth and
    names. Sound because a parsed document holds nothing that its bytes do not spell out
    literally (no DTD, so no entity but the five predefined ones, each shorter than its
    reference): every element needs a ``<``, every attribute a ``=``, every namespace
    declaration the letters ``xmlns``, and no text or value holds more characters than the
    document has bytes. Counting a pattern at any offset only counts more."""
    return (
        len(data) <= limits.max_text
        and data.count("<".encode(codec)) <= limits.max_elements
        and data.count("=".encode(codec)) <= limits.max_attributes
        and data.count("xmlns".encode(codec)) <= limits.max_namespaces
    )


_DEPTH_CHECKS = threading.local()


def _deeper_than(max_depth: int) -> etree.XPath:
    """A compiled check, run inside libxml2: has the element an element below it deeper than
    ``max_depth`` (the element itself at depth 1)? Compiled once per thread and depth, as lxml
    does not promise that one XPath object may be evaluated by two threads at once."""
    checks: dict[int, etree.XPath] = _DEPTH_CHECKS.__dict__.setdefault("by_depth", {})
    check = checks.get(max_depth)
    if check is None:
        check = checks[max_depth] = etree.XPath("boolean(" + "/".join(["*"] * max_depth) + ")")
    return check


_SCHEMAS: dict[Path, etree.XMLSchema] = {}
_SCHEMAS_LOCK = threading.Lock()


def load_schema(path: Path) -> etree.XMLSchema:
    """The XML Schema at ``path``, parsed once per process (imports resolved from disk only).

    Thread-safe: libxml2 fails when two threads compile schemas importing the same files at
    once, so compilation is serialised.
    """
    schema = _SCHEMAS.get(path)
    if schema is None:
        with _SCHEMAS_LOCK:
            schema = _SCHEMAS.get(path)
            if schema is None:
                schema = etree.XMLSchema(etree.parse(str(path), parser=hardened_parser()))
                _SCHEMAS[path] = schema
    return schema


_VALIDATION_LOCK = threading.Lock()


def schema_errors(schema: etree.XMLSchema, element: etree._Element) -> list[str]:
    """Validate one element as if it were a document's root; the messages of its errors."""
    with _VALIDATION_LOCK:  # a schema's error log is shared state
        if schema.validate(element):
            return []
        log: Iterable[Any] = schema.error_log  # type: ignore[assignment]  # stubs lack __iter__
        return [f"line {e.line}: {e.message}" for e in log]
