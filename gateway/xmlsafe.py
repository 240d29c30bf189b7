"""The one way XML comes in: hardened parsing and cached schemas.

Every parser here resolves no entities, loads no DTD, fetches nothing from the network and
refuses huge trees; a DOCTYPE is refused outright (SOAP 1.1 §3 forbids it, and lxml's safe
settings would still leave entity references in place). Schemas are loaded once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree


class UnsafeXML(ValueError):
    """A document was refused before its content was looked at (DOCTYPE, not XML, too big)."""


def hardened_parser() -> etree.XMLParser:
    """A new parser that resolves nothing and fetches nothing (one per call: not shared)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_message(data: bytes, *, max_bytes: int) -> etree._Element:
    """Parse one message with :func:`hardened_parser`; refuse any DOCTYPE or oversize input."""
    if len(data) > max_bytes:
        raise UnsafeXML("message too large")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXML("not well-formed XML") from exc
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise UnsafeXML("DOCTYPE is not allowed")
    return root


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
