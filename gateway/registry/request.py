"""The request to a register, prepared once and filled per call.

A register request is the same envelope every time but for three values: the message ``id``,
the ``userId`` and the personal code asked about. :class:`RequestTemplate` builds the envelope
once per client with lxml — the X-Road headers of PR-MESS §2.4 (``client`` = our subsystem,
``service`` = the register's service code and version, ``protocolVersion`` 4.0) and the body
element of the register's schema — serialises it, and keeps the bytes around the three values.
A call joins the pieces with the values, escaped; nothing is parsed or serialised per call.
"""

from __future__ import annotations

from lxml import etree

from gateway import xroad
from gateway.ns import SOAP11_ENV, XROAD, XROAD_ID
from gateway.registry.registers import RegisterContract
from gateway.settings import XRoadMember

_NSMAP = {"SOAP-ENV": SOAP11_ENV, "xrd": XROAD, "iden": XROAD_ID}
_MARKERS = ("\ue000id\ue000", "\ue000user\ue000", "\ue000code\ue000")
"""Placeholders no fixed part can hold: X-Road identifiers in the settings are ASCII."""


def escape(value: str) -> bytes:
    """``value`` as XML character data in UTF-8 (``&``, ``<``, ``>`` escaped)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


class RequestTemplate:
    """One register's request as bytes, with holes for ``id``, ``userId`` and the code."""

    def __init__(self, register: RegisterContract, own: XRoadMember, service: XRoadMember
                 ) -> None:
        envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=_NSMAP)
        header = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Header")
        _identifier(header, "client", "SUBSYSTEM", own, ())
        _identifier(header, "service", "SERVICE", service,
                    (register.service_code, register.service_version))
        etree.SubElement(header, f"{{{XROAD}}}id").text = _MARKERS[0]
        etree.SubElement(header, f"{{{XROAD}}}userId").text = _MARKERS[1]
        version = etree.SubElement(header, f"{{{XROAD}}}protocolVersion")
        version.text = xroad.PROTOCOL_VERSION
        body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
        request = etree.SubElement(body, register.request.text,
                                   nsmap={register.name: register.namespace})
        etree.SubElement(request, f"{{{register.namespace}}}personalCode").text = _MARKERS[2]
        text = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        pieces: list[bytes] = []
        rest = bytes(text)
        for marker in _MARKERS:
            before, found, rest = rest.partition(marker.encode("utf-8"))
            assert found, "lxml writes the markers as UTF-8 text"
            pieces.append(before)
        pieces.append(rest)
        self._pieces = tuple(pieces)

    def render(self, message_id: str, user_id: str, personal_code: str) -> bytes:
        """The request for one call; each value is escaped as XML text."""
        head, after_id, after_user, tail = self._pieces
        return b"".join((head, escape(message_id), after_id, escape(user_id), after_user,
                         escape(personal_code), tail))


def _identifier(header: etree._Element, name: str, object_type: str, member: XRoadMember,
                service: tuple[str, ...]) -> None:
    """An X-Road identifier header (``schemas/xroad-identifiers.xsd``): the member's parts
    in the schema's order, then ``serviceCode`` and ``serviceVersion`` for a service."""
    element = etree.SubElement(header, f"{{{XROAD}}}{name}")
    element.set(f"{{{XROAD_ID}}}objectType", object_type)
    names = ("xRoadInstance", "memberClass", "memberCode", "subsystemCode",
             "serviceCode", "serviceVersion")
    values = (member.instance, member.member_class, member.member_code, member.subsystem_code,
              *service)
    for child, value in zip(names, values, strict=False):
        etree.SubElement(element, f"{{{XROAD_ID}}}{child}").text = value
