"""The published contract: the committed WSDL is what we serve, zeep reads it, and it and our
headers agree with the official X-Road schemas (see :mod:`tests.official`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep
from lxml import etree

from gateway.ns import SOAP11_ENV, WSDL, WSDL_SOAP, XROAD
from gateway.soap import contract
from tests.official import require_official_xroad
from tests.soap.conftest import BINDING, Caller
from tests.soap.helpers import payload
from tests.soap.people import JANIS
from tests.stand import Stand

HEADER_PARTS = ["client", "service", "id", "userId", "issue", "protocolVersion"]


@pytest.fixture(scope="module")
def official_xroad() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(require_official_xroad() / "xroad.xsd"), parser=parser))


def wsdl_tree() -> etree._ElementTree:
    return etree.parse(str(contract.WSDL_PATH))


def test_every_binding_operation_has_version_v1_and_all_header_parts() -> None:
    tree = wsdl_tree()
    operations = tree.findall(f"{{{WSDL}}}binding/{{{WSDL}}}operation")
    assert operations
    for operation in operations:
        assert operation.findtext(f"{{{XROAD}}}version") == "v1"
        for direction in ("input", "output"):
            parts = [h.get("part") for h in
                     operation.findall(f"{{{WSDL}}}{direction}/{{{WSDL_SOAP}}}header")]
            assert parts == HEADER_PARTS, (operation.get("name"), direction)


def test_every_operation_has_a_latvian_and_an_english_title() -> None:
    for operation in wsdl_tree().findall(f"{{{WSDL}}}portType/{{{WSDL}}}operation"):
        titles = operation.findall(f"{{{WSDL}}}documentation/{{{XROAD}}}title")
        langs = {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in titles}
        assert langs == {"lv", "en"}


def test_the_wsdl_documentation_validates_against_the_official_schema(
    official_xroad: etree.XMLSchema,
) -> None:
    tree = wsdl_tree()
    elements = [*tree.iter(f"{{{XROAD}}}version"), *tree.iter(f"{{{XROAD}}}title"),
                *tree.iter(f"{{{XROAD}}}notes")]
    assert elements
    for element in elements:
        assert official_xroad.validate(etree.fromstring(etree.tostring(element))), element.tag


def test_the_request_wrapper_is_named_as_the_service_code() -> None:
    tree = wsdl_tree()
    for operation in tree.findall(f"{{{WSDL}}}portType/{{{WSDL}}}operation"):
        name = operation.get("name")
        message = operation.find(f"{{{WSDL}}}input").get("message").split(":")[1]
        part = tree.find(f"{{{WSDL}}}message[@name='{message}']/{{{WSDL}}}part")
        assert part.get("element") == f"vpis:{name}"
        out = operation.find(f"{{{WSDL}}}output").get("message").split(":")[1]
        part = tree.find(f"{{{WSDL}}}message[@name='{out}']/{{{WSDL}}}part")
        assert part.get("element") == f"vpis:{name}Response"


def test_the_served_wsdl_is_the_committed_one_with_the_address(stand: Stand) -> None:
    served = requests.get(stand.url + "?wsdl", timeout=10)
    assert served.status_code == 200
    tree = etree.fromstring(served.content)
    committed = wsdl_tree().getroot()
    address = tree.find(f".//{{{WSDL_SOAP}}}address")
    assert address is not None and address.get("location") == stand.url
    for element in (tree, committed):  # all but the address and schema locations
        for a in element.iter(f"{{{WSDL_SOAP}}}address"):
            a.set("location", "-")
        for i in element.iter("{http://www.w3.org/2001/XMLSchema}import"):
            i.set("schemaLocation", Path(i.get("schemaLocation", "")).name.replace("?xsd=", ""))
    assert etree.tostring(tree, method="c14n") == etree.tostring(committed, method="c14n")


def test_zeep_reads_the_served_wsdl_and_calls_the_service(stand: Stand) -> None:
    client = zeep.Client(stand.url + "?wsdl")
    from tests.soap.conftest import xroad_headers

    answer = client.create_service(BINDING, stand.url).getExamResults(
        personalCode=JANIS, _soapheaders=xroad_headers(JANIS))
    assert answer.body.personalCode == JANIS


def test_answers_validate_against_our_schema_and_headers_against_the_official_one(
    caller: Caller, official_xroad: etree.XMLSchema
) -> None:
    caller.call("getExamResults", JANIS, personalCode=JANIS)
    response = caller.last_response
    assert contract.body_schema().validate(payload(response)), contract.body_schema().error_log
    header = response.find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None and len(header) == len(HEADER_PARTS)
    for element in header:
        assert official_xroad.validate(etree.fromstring(etree.tostring(element))), element.tag
        assert contract.header_schema().validate(etree.fromstring(etree.tostring(element)))
