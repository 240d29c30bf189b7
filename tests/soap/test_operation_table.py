"""The operation table agrees with the published contract, operation by operation: every row has
its request and answer elements in ``vpis.xsd``, its messages, port-type operation (with the
same English ``xrd:title``) and binding operation in ``vpis.wsdl``, and nothing is published
that the table does not serve."""

from __future__ import annotations

import pytest
from lxml import etree

from gateway.errors import ConfigurationError
from gateway.ns import VPIS, WSDL, XROAD
from gateway.settings import load_settings
from gateway.soap import contract
from gateway.soap.operations import OPERATIONS, SERVICE_CODES, check_allow_list

XSD = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _wsdl() -> etree._Element:
    return etree.parse(str(contract.WSDL_PATH)).getroot()


def _xsd_elements() -> set[str]:
    root = etree.parse(str(contract.VPIS_XSD)).getroot()
    return {e.get("name", "") for e in root.findall(f"{{{XSD}}}element")}


def _message_element(wsdl: etree._Element, message: str) -> str:
    found = wsdl.find(f"{{{WSDL}}}message[@name='{message}']/{{{WSDL}}}part")
    assert found is not None, f"no WSDL message {message}"
    return found.get("element", "")


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.code)
def test_each_row_is_in_the_schema_and_the_wsdl(operation: object) -> None:
    code = operation.code  # type: ignore[attr-defined]
    elements = _xsd_elements()
    assert code in elements and f"{code}Response" in elements

    wsdl = _wsdl()
    port = wsdl.find(f"{{{WSDL}}}portType/{{{WSDL}}}operation[@name='{code}']")
    assert port is not None
    input_message = port.find(f"{{{WSDL}}}input").get("message", "")  # type: ignore[union-attr]
    output_message = port.find(f"{{{WSDL}}}output").get("message", "")  # type: ignore[union-attr]
    assert _message_element(wsdl, input_message.split(":")[1]) == f"vpis:{code}"
    assert _message_element(wsdl, output_message.split(":")[1]) == f"vpis:{code}Response"
    titles = {t.get(XML_LANG): t.text for t in port.iter(f"{{{XROAD}}}title")}
    assert titles.get("en") == operation.title  # type: ignore[attr-defined]
    assert titles.get("lv")
    assert wsdl.find(f"{{{WSDL}}}binding/{{{WSDL}}}operation[@name='{code}']") is not None


def test_the_wsdl_and_the_schema_publish_nothing_the_table_does_not_serve() -> None:
    wsdl = _wsdl()
    published = {op.get("name") for op in wsdl.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")}
    bound = {op.get("name") for op in wsdl.iterfind(f"{{{WSDL}}}binding/{{{WSDL}}}operation")}
    assert published == bound == set(SERVICE_CODES)
    requests_in_schema = {e for e in _xsd_elements() if not e.endswith("Response")} - {
        "faultDetail"  # the detail of every fault, not an operation
    }
    assert requests_in_schema == set(SERVICE_CODES)


def test_the_vpis_namespace_is_the_wsdls_target() -> None:
    assert _wsdl().get("targetNamespace") == VPIS


def test_an_allow_list_naming_an_unpublished_service_is_refused() -> None:
    settings = load_settings(allowed_clients={"getEverything": ["LV/GOV/90000026101"]})
    with pytest.raises(ConfigurationError, match="getEverything"):
        check_allow_list(settings)


def test_the_demo_allow_list_names_every_published_operation() -> None:
    settings = load_settings()
    check_allow_list(settings)
    assert set(settings.allowed_clients) == set(SERVICE_CODES)
