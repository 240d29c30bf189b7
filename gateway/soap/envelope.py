"""The SOAP 1.1 envelope of an incoming request (SOAP 1.1 §4).

One ``Envelope`` with an optional ``Header`` first and then one ``Body``, nothing else; the
body holds exactly one element, the request wrapper. A SOAP 1.2 envelope is answered with
``VersionMismatch``; a header marked ``mustUnderstand="1"`` that the gateway does not process
with ``MustUnderstand``. ``xsi:type`` is refused anywhere in the body: values are typed by the
published schema alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from gateway import xroad
from gateway.errors import InvalidRequest, MustUnderstand, VersionMismatch
from gateway.ns import SOAP11_ENV, XROAD, XSI
from gateway.soap import problems as P
from gateway.xmlsafe import UnsafeXML, XmlLimits, parse_message

_ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
_HEADER = f"{{{SOAP11_ENV}}}Header"
_BODY = f"{{{SOAP11_ENV}}}Body"
_MUST_UNDERSTAND = f"{{{SOAP11_ENV}}}mustUnderstand"


@dataclass(frozen=True, slots=True)
class Envelope:
    """A structurally sound request envelope."""

    header: etree._Element | None
    payload: etree._Element


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def parse(data: bytes, *, max_bytes: int, limits: XmlLimits) -> Envelope:
    """Parse and check one request envelope; raise a client error for the first problem."""
    try:
        root = parse_message(data, max_bytes=max_bytes, limits=limits)
    except UnsafeXML as exc:
        raise InvalidRequest(str(exc), problem=P.UNSAFE_XML.get(str(exc), P.SOME_XML)) from None
    if etree.QName(root).localname == "Envelope" and root.tag != _ENVELOPE:
        # SOAP 1.1 §4.4.1: an Envelope in another namespace (SOAP 1.2's, or any) is a
        # VersionMismatch.
        raise VersionMismatch("not the SOAP 1.1 envelope namespace")
    if root.tag != _ENVELOPE:
        raise InvalidRequest("not a SOAP 1.1 envelope", problem=P.NOT_SOAP11)
    children = list(root)
    if not _blank(root.text) or any(not _blank(c.tail) for c in children):
        raise InvalidRequest("text in the envelope", problem=P.TEXT_IN_ENVELOPE)
    names = [c.tag for c in children]
    if names not in ([_HEADER, _BODY], [_BODY]):
        raise InvalidRequest("the envelope must hold a Header and then a Body",
                             problem=P.ENVELOPE_PARTS)
    header = children[0] if len(children) == 2 else None
    body = children[-1]
    if header is not None:
        _check_must_understand(header)
    payload = list(body)
    if len(payload) != 1 or not _blank(body.text) or not _blank(payload[0].tail):
        raise InvalidRequest("the Body must hold exactly one element", problem=P.ONE_PAYLOAD)
    for element in payload[0].iter():
        if any(etree.QName(name).namespace == XSI for name in element.attrib):
            raise InvalidRequest("xsi attributes are not allowed in a request", problem=P.XSI)
    return Envelope(header=header, payload=payload[0])


def _check_must_understand(header: etree._Element) -> None:
    if not _blank(header.text):
        raise InvalidRequest("text in the Header", problem=P.TEXT_IN_HEADER)
    for element in header:
        if not _blank(element.tail):
            raise InvalidRequest("text in the Header", problem=P.TEXT_IN_HEADER)
        flag = element.get(_MUST_UNDERSTAND)
        if flag is None:
            continue
        if flag not in ("0", "1"):  # SOAP 1.1 §4.2.3: the value is "1" or "0"
            raise InvalidRequest("mustUnderstand must be 0 or 1", problem=P.MUST_UNDERSTAND_VALUE)
        ours = etree.QName(element).namespace == XROAD and (
            etree.QName(element).localname in xroad.KNOWN
        )
        if flag == "1" and not ours:
            raise MustUnderstand("header not understood", header=etree.QName(element).text)


def answer(headers: Iterable[etree._Element], payload: etree._Element) -> etree._Element:
    """The answer's ``soapenv:Envelope``: copies of the request's X-Road headers (X-Road
    message protocol v4.0 §2.4: the answer repeats them) and the payload."""
    root = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap={"soapenv": SOAP11_ENV})
    header = etree.SubElement(root, f"{{{SOAP11_ENV}}}Header")
    for element in headers:
        header.append(deepcopy(element))
    etree.SubElement(root, f"{{{SOAP11_ENV}}}Body").append(payload)
    return root
