"""The one place where errors become SOAP 1.1 faults (SOAP 1.1 §4.4).

``faultcode`` is ``soapenv:Client.<Code>`` or ``soapenv:Server.<Code>`` from a stable set
(or ``VersionMismatch`` / ``MustUnderstand``); ``faultstring`` is the English message;
``detail`` holds ``vpis:faultDetail`` with the code and the message in Latvian and English,
fit to show to a citizen, followed by the :class:`~gateway.errors.Problem` found when the error
names one (which rule of the request was broken). Nothing else of an error — no detail text, no
attributes, no input, no traceback, no SQL, no path — ever reaches the answer.
"""

from __future__ import annotations

from lxml import etree

from gateway.errors import GatewayError
from gateway.ns import SOAP11_ENV, VPIS

_XML_LANG = "lang"
_NSMAP = {"soapenv": SOAP11_ENV, "vpis": VPIS}


def fault_envelope(error: GatewayError) -> bytes:
    """The SOAP 1.1 fault envelope for ``error`` (sent with ``error.http_status``)."""
    envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=_NSMAP)
    body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP11_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soapenv:{error.faultcode}"
    etree.SubElement(fault, "faultstring").text = error.text_en
    detail = etree.SubElement(fault, "detail")
    info = etree.SubElement(detail, f"{{{VPIS}}}faultDetail")
    etree.SubElement(info, f"{{{VPIS}}}code").text = error.code
    for lang, text in (("lv", error.text_lv), ("en", error.text_en)):
        message = etree.SubElement(info, f"{{{VPIS}}}message")
        message.set(_XML_LANG, lang)
        message.text = text
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))
