"""Hand-built request envelopes, for what zeep would never send."""

from __future__ import annotations

from gateway.ns import SOAP11_ENV, VPIS, XROAD, XROAD_ID

CLIENT = """<xrd:client iden:objectType="SUBSYSTEM"><iden:xRoadInstance>LV</iden:xRoadInstance>\
<iden:memberClass>GOV</iden:memberClass><iden:memberCode>90000026101</iden:memberCode>\
<iden:subsystemCode>LVPORTAALS</iden:subsystemCode></xrd:client>"""
SERVICE = """<xrd:service iden:objectType="SERVICE"><iden:xRoadInstance>LV</iden:xRoadInstance>\
<iden:memberClass>GOV</iden:memberClass><iden:memberCode>90000022399</iden:memberCode>\
<iden:subsystemCode>VPIS</iden:subsystemCode><iden:serviceCode>getExamResults</iden:serviceCode>\
<iden:serviceVersion>v1</iden:serviceVersion></xrd:service>"""
ID = "<xrd:id>e2e-0001</xrd:id>"
USER = "<xrd:userId>LV22080621170</xrd:userId>"
VERSION = "<xrd:protocolVersion>4.0</xrd:protocolVersion>"
HEADERS = CLIENT + SERVICE + ID + USER + VERSION
BODY = "<vpis:getExamResults><vpis:personalCode>220806-21170</vpis:personalCode>\
</vpis:getExamResults>"


def envelope(headers: str = HEADERS, body: str = BODY, *, soap_ns: str = SOAP11_ENV,
             extra_ns: str = "") -> bytes:
    """A request envelope with the given header and body content."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{soap_ns}" xmlns:xrd="{XROAD}" '
        f'xmlns:iden="{XROAD_ID}" xmlns:vpis="{VPIS}"{extra_ns}>'
        f"<soapenv:Header>{headers}</soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()
