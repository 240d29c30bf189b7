"""The committed contract against the official X-Road schemas (see :mod:`tests.official`)."""

from __future__ import annotations

from functools import cache

import pytest
import requests
from lxml import etree

from gateway.ns import PMLP, SOAP11_ENV, WSDL, WSDL_SOAP, XROAD, XSD
from gateway.registry import contract
from gateway.registry.client import RegistryClient
from gateway.registry.registers import IEVP_REGISTER, PMLP_REGISTER, RegisterContract
from gateway.simulators.register_fixture import RegisterFixture
from gateway.simulators.register_server import RunningSimulator
from tests.official import require_official_xroad
from tests.registry import people as p
from tests.registry.conftest import DATA

REQUIRED = {"client", "service", "id", "userId", "protocolVersion"}
OPTIONAL_IN = {"issue"}
OPTIONAL_OUT = {"issue", "requestHash"}


@cache
def official() -> etree.XMLSchema:
    """The official xroad.xsd (it imports identifiers.xsd and xml.xsd beside it)."""
    path = require_official_xroad() / "xroad.xsd"
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser=parser))


def assert_official(element: etree._Element) -> None:
    schema = official()
    assert schema.validate(element), f"{element.tag}: {schema.error_log}"


def wsdl() -> etree._Element:
    return etree.parse(str(contract.WSDL_PATH), parser=contract.hardened_parser()).getroot()


def header_elements(message: bytes) -> list[etree._Element]:
    header = etree.fromstring(message).find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None
    return [e for e in header if etree.QName(e).namespace == XROAD]


def test_our_schemas_compile_and_the_wsdl_imports_them() -> None:
    for path in contract.CONTRACT_FILES[1:]:
        etree.XMLSchema(etree.parse(str(path), parser=contract.hardened_parser()))
    imports = wsdl().findall(f"{{{WSDL}}}types/{{{XSD}}}schema/{{{XSD}}}import")
    located = {i.get("namespace"): i.get("schemaLocation") for i in imports}
    assert located == {
        XROAD: "../schemas/xroad-headers.xsd",
        PMLP: "../schemas/pmlp-representation.xsd",
    }


def test_client_request_headers_are_valid_xroad(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    registry.lookup(p.ANNA, user_id=p.MOTHER)
    assert simulator.app.last_request is not None
    elements = header_elements(simulator.app.last_request)
    assert {etree.QName(e).localname for e in elements} == REQUIRED
    for element in elements:
        assert_official(element)
        assert contract.header_schema().validate(element)  # ours agrees


def test_sample_request_headers_valid_in_both_schemas() -> None:
    for name in ("valid.xml", "valid-with-issue-and-member-client.xml"):
        for element in header_elements((DATA / "requests" / name).read_bytes()):
            assert_official(element)
            assert contract.header_schema().validate(element)


def _binding_operations() -> list[etree._Element]:
    operations = wsdl().findall(f"{{{WSDL}}}binding/{{{WSDL}}}operation")
    assert operations
    return operations


def test_every_binding_operation_has_xrd_version_v1() -> None:
    for operation in _binding_operations():
        versions = operation.findall(f"{{{XROAD}}}version")
        assert [v.text for v in versions] == ["v1"], operation.get("name")
        assert_official(versions[0])


@pytest.mark.parametrize(
    ("direction", "optional"), [("input", OPTIONAL_IN), ("output", OPTIONAL_OUT)]
)
def test_every_input_and_output_has_the_xroad_header_parts(
    direction: str, optional: set[str]
) -> None:
    root = wsdl()
    messages = {m.get("name"): m for m in root.findall(f"{{{WSDL}}}message")}
    binding = root.find(f"{{{WSDL}}}binding")
    assert binding is not None
    style = binding.find(f"{{{WSDL_SOAP}}}binding")
    assert style is not None and style.get("style") == "document"
    assert style.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    for operation in _binding_operations():
        io = operation.find(f"{{{WSDL}}}{direction}")
        assert io is not None
        body = io.find(f"{{{WSDL_SOAP}}}body")
        assert body is not None and body.get("use") == "literal"
        parts = set()
        for header in io.findall(f"{{{WSDL_SOAP}}}header"):
            assert header.get("use") == "literal"
            prefix, local = (header.get("message") or "").split(":")
            assert header.nsmap[prefix] == PMLP
            part = messages[local].find(f"{{{WSDL}}}part[@name='{header.get('part')}']")
            assert part is not None, header.get("part")
            prefix, element = (part.get("element") or "").split(":")
            assert part.nsmap[prefix] == XROAD and element == header.get("part")
            parts.add(element)
        assert REQUIRED <= parts <= REQUIRED | optional, (direction, parts)


def test_titles_and_notes_are_valid_xroad_and_bilingual() -> None:
    documentation = wsdl().findall(
        f"{{{WSDL}}}portType/{{{WSDL}}}operation/{{{WSDL}}}documentation"
    )
    assert documentation
    for doc in documentation:
        titles = doc.findall(f"{{{XROAD}}}title")
        assert {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in titles} == {"lv", "en"}
        for element in doc:
            assert_official(element)
    xsd = etree.parse(str(contract.PMLP_XSD), parser=contract.hardened_parser())
    appinfo_titles = list(xsd.iter(f"{{{XROAD}}}title"))
    assert appinfo_titles
    for title in appinfo_titles:
        assert_official(title)


def test_simulator_answers_are_valid(simulator: RunningSimulator, family: RegisterFixture) -> None:
    template = (DATA / "requests" / "valid.xml").read_text(encoding="utf-8")
    subjects = [*family.records, p.UNKNOWN.digits]
    for digits in subjects:
        sent = template.replace(">01051021114<", f">{digits}<").encode("utf-8")
        response = requests.post(simulator.url, data=sent, timeout=5)
        assert response.status_code == 200
        root = etree.fromstring(response.content)
        answer = root.find(f"{{{SOAP11_ENV}}}Body/{contract.RESPONSE.text}")
        assert answer is not None
        assert contract.body_schema().validate(answer), contract.body_schema().error_log
        for element in header_elements(response.content):
            assert_official(element)
    assert simulator.app.counters()["answers"] == len(subjects)


@pytest.mark.parametrize(("register", "named", "prefix"), [
    (PMLP_REGISTER, "Representative", "pmlp"),
    (IEVP_REGISTER, "Official", "ievp"),
])
def test_the_registers_name_whom_they_vouch_for_and_the_names_are_required(
    register: RegisterContract, named: str, prefix: str,
) -> None:
    """RULES §13: each register's answer names the representative or the official (given and
    family name), so that the access log can name them whether allowed or refused."""
    xsd = etree.parse(str(register.body_xsd), parser=contract.hardened_parser())
    person = xsd.find(f"{{{XSD}}}complexType[@name='{named}']")
    assert person is not None
    elements = {e.get("name"): e for e in person.iter(f"{{{XSD}}}element")}
    for name in ("givenName", "familyName"):
        assert elements[name].get("type") == f"{prefix}:Name"
        assert elements[name].get("minOccurs", "1") == "1", name  # required
    name_type = xsd.find(f"{{{XSD}}}simpleType[@name='Name']/{{{XSD}}}restriction")
    assert name_type is not None
    assert {(f.tag.split("}")[1], f.get("value")) for f in name_type} == {
        ("minLength", "1"), ("maxLength", "100"), ("pattern", "[^\\p{Cc}]*")}


def test_each_representative_is_named_in_the_answer(registry: RegistryClient) -> None:
    """The simulator's answer, read by the lean client, names Anna's parents as the fixture
    (RULES §10) does."""
    record = registry.lookup(p.ANNA, user_id=p.MOTHER)
    assert record is not None
    assert {rep.personal_code: (rep.given_name, rep.family_name)
            for rep in record.representatives} == {
        p.MOTHER.digits: ("Inese", "Bērziņa"),
        p.FATHER.digits: ("Pēteris", "Bērziņš"),
    }
