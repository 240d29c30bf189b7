"""X-Road v4.0 header rules and SOAP envelope rules, against the running gateway."""

from __future__ import annotations

import pytest
from lxml import etree

from gateway.ns import SOAP11_ENV, SOAP12_ENV, VPIS, XROAD
from tests.soap import envelopes as E
from tests.soap.conftest import Caller, post
from tests.soap.helpers import assert_no_leak, payload
from tests.soap.people import JANIS
from tests.stand import Stand


def fault_of(answer_body: bytes) -> tuple[str, str]:
    root = etree.fromstring(answer_body)
    fault = root.find(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault")
    assert fault is not None
    return fault.findtext("faultcode") or "", fault.findtext(f"detail/{{{VPIS}}}faultDetail/"
                                                             f"{{{VPIS}}}code") or ""


def test_a_valid_hand_built_request_is_answered(stand: Stand) -> None:
    answer = post(stand, E.envelope())
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/xml")


def test_the_answer_repeats_every_request_header_in_order(caller: Caller) -> None:
    caller.call("getExamResults", JANIS, personalCode=JANIS)
    sent = caller.history.last_sent["envelope"]
    received = caller.last_response
    header_in = sent.find(f"{{{SOAP11_ENV}}}Header")
    header_out = received.find(f"{{{SOAP11_ENV}}}Header")
    assert header_in is not None and header_out is not None

    def canon(header: etree._Element) -> list[bytes]:
        return [etree.tostring(e, method="c14n", exclusive=True) for e in header
                if etree.QName(e).namespace == XROAD]
    assert canon(header_out) == canon(header_in)
    assert [etree.QName(e).localname for e in header_out] == [
        "client", "service", "id", "userId", "issue", "protocolVersion"]


def _drop(name: str) -> str:
    parts = {"client": E.CLIENT, "service": E.SERVICE, "id": E.ID, "userId": E.USER,
             "protocolVersion": E.VERSION}
    return "".join(v for k, v in parts.items() if k != name)


HEADER_CASES = [
    ("missing client", _drop("client"), "InvalidRequest"),
    ("missing service", _drop("service"), "InvalidRequest"),
    ("missing id", _drop("id"), "InvalidRequest"),
    ("missing userId", _drop("userId"), "InvalidRequest"),
    ("missing protocolVersion", _drop("protocolVersion"), "InvalidRequest"),
    ("repeated id", E.HEADERS + E.ID, "InvalidRequest"),
    ("repeated userId", E.HEADERS + "<xrd:userId>LV01010512347</xrd:userId>", "InvalidRequest"),
    ("protocol 3.1", E.HEADERS.replace(">4.0<", ">3.1<"), "InvalidRequest"),
    ("userId of another country", E.HEADERS.replace("LV2208", "EE2208"), "InvalidRequest"),
    ("userId without country", E.HEADERS.replace(">LV2208", ">2208"), "InvalidRequest"),
    ("userId with a bad check digit", E.HEADERS.replace("LV22080621170", "LV22080621171"),
     "InvalidRequest"),
    ("userId empty", E.HEADERS.replace("LV22080621170", ""), "InvalidRequest"),
    ("service of another member", E.HEADERS.replace("90000022399", "90000022400"),
     "InvalidRequest"),
    ("service version v2", E.HEADERS.replace(">v1<", ">v2<"), "InvalidRequest"),
    ("service without version", E.HEADERS.replace(
        "<iden:serviceVersion>v1</iden:serviceVersion>", ""), "InvalidRequest"),
    ("unknown service code", E.HEADERS.replace(">getExamResults<", ">getEverything<"),
     "InvalidRequest"),
    ("service objectType MEMBER", E.HEADERS.replace('iden:objectType="SERVICE"',
                                                    'iden:objectType="MEMBER"'),
     "InvalidRequest"),
    ("client objectType SERVICE", E.HEADERS.replace('iden:objectType="SUBSYSTEM"',
                                                    'iden:objectType="SERVICE"'),
     "InvalidRequest"),
    ("client MEMBER with a subsystem", E.HEADERS.replace('iden:objectType="SUBSYSTEM"',
                                                         'iden:objectType="MEMBER"'),
     "InvalidRequest"),
    ("client not on the allow-list", E.HEADERS.replace("LVPORTAALS", "EKLASE"),
     "UnknownClient"),
    ("client without objectType", E.HEADERS.replace(' iden:objectType="SUBSYSTEM"', ""),
     "InvalidRequest"),
    ("identifier children in no namespace", E.HEADERS.replace(
        "<iden:xRoadInstance>LV</iden:xRoadInstance>", "<xRoadInstance>LV</xRoadInstance>", 1),
     "InvalidRequest"),
    ("unknown X-Road header", E.HEADERS + "<xrd:requestHash>x</xrd:requestHash>",
     "InvalidRequest"),
]


@pytest.mark.parametrize(("headers", "code"),
                         [pytest.param(h, c, id=case) for case, h, c in HEADER_CASES])
def test_header_rules(stand: Stand, headers: str, code: str) -> None:
    answer = post(stand, E.envelope(headers))
    assert answer.status_code == 500
    faultcode, detail = fault_of(answer.content)
    assert (faultcode, detail) == (f"soapenv:Client.{code}", code)
    assert_no_leak(answer.content)


def test_a_member_client_on_the_allow_list_is_served(stand: Stand) -> None:
    member = E.CLIENT.replace('"SUBSYSTEM"', '"MEMBER"').replace(
        "90000026101", "90009999999").replace(
        "<iden:subsystemCode>LVPORTAALS</iden:subsystemCode>", "")
    answer = post(stand, E.envelope(member + E.SERVICE + E.ID + E.USER + E.VERSION))
    assert answer.status_code == 200, answer.text


def test_an_unknown_header_with_must_understand_is_a_must_understand_fault(
    stand: Stand,
) -> None:
    security = ('<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/'
                'oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"/>')
    answer = post(stand, E.envelope(E.HEADERS + security))
    assert answer.status_code == 500
    assert fault_of(answer.content) == ("soapenv:MustUnderstand", "MustUnderstand")


def test_an_unknown_header_without_must_understand_is_ignored(stand: Stand) -> None:
    extra = '<x:trace xmlns:x="urn:example:trace">abc</x:trace>'
    assert post(stand, E.envelope(E.HEADERS + extra)).status_code == 200


def test_an_x_road_header_may_be_marked_must_understand(stand: Stand) -> None:
    headers = E.HEADERS.replace("<xrd:id>", '<xrd:id soapenv:mustUnderstand="1">')
    assert post(stand, E.envelope(headers)).status_code == 200


def test_a_soap_1_2_envelope_is_a_version_mismatch(stand: Stand) -> None:
    answer = post(stand, E.envelope(soap_ns=SOAP12_ENV))
    assert answer.status_code == 500
    assert fault_of(answer.content) == ("soapenv:VersionMismatch", "VersionMismatch")
    answer = post(stand, E.envelope(), content_type="application/soap+xml; charset=utf-8")
    assert fault_of(answer.content) == ("soapenv:VersionMismatch", "VersionMismatch")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(E.envelope(), "application/json", id="not text/xml"),
        pytest.param(b"", "text/xml", id="empty"),
        pytest.param(b"hello", "text/xml", id="not XML"),
        pytest.param(E.envelope()[:-20], "text/xml", id="truncated"),
        pytest.param(E.envelope(body=E.BODY + E.BODY), "text/xml", id="two wrappers"),
        pytest.param(E.envelope(body=E.BODY.replace("getExamResults>", "getResults>")),
                     "text/xml", id="wrapper not the service code"),
        pytest.param(E.envelope().replace(b"<soapenv:Header>", b"<soapenv:Body>" + E.BODY.encode()
                                          + b"</soapenv:Body><soapenv:Header>", 1)
                     .replace(b"</soapenv:Header><soapenv:Body>" + E.BODY.encode() +
                              b"</soapenv:Body>", b"</soapenv:Header>"),
                     "text/xml", id="body before header"),
    ],
)
def test_malformed_requests_are_client_faults(stand: Stand, body: bytes,
                                              content_type: str) -> None:
    answer = post(stand, body, content_type)
    assert answer.status_code == 500
    assert fault_of(answer.content) == ("soapenv:Client.InvalidRequest", "InvalidRequest")
    assert_no_leak(answer.content)


def test_payload_element_is_the_signed_response(caller: Caller) -> None:
    caller.call("getExamResults", JANIS, personalCode=JANIS)
    element = payload(caller.last_response)
    assert etree.QName(element).localname == "getExamResultsResponse"
    assert element.get("Id")
