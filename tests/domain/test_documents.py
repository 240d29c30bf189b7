"""One list of document kinds and states: the published schema and the import schema enumerate
exactly the values of :mod:`gateway.domain.documents`."""

from __future__ import annotations

import json

from lxml import etree

from gateway.domain.documents import (
    IMPORTED_STATUSES,
    LANGUAGE_KINDS,
    AppealOutcome,
    AppealStatus,
    CertificateStatus,
    DocumentKind,
    PaperCopyStatus,
)
from tests.stand import REPO

XSD = "{http://www.w3.org/2001/XMLSchema}"


def _enumeration(simple_type: str) -> set[str]:
    root = etree.parse(str(REPO / "schemas" / "vpis.xsd")).getroot()
    found = root.find(f"{XSD}simpleType[@name='{simple_type}']")
    assert found is not None, simple_type
    return {e.get("value", "") for e in found.iter(f"{XSD}enumeration")}


def test_the_published_schema_lists_the_document_kinds() -> None:
    assert _enumeration("DocumentKind") == {k.value for k in DocumentKind}


def test_the_published_schema_lists_the_paper_copy_states() -> None:
    assert _enumeration("RequestStatus") == {s.value for s in PaperCopyStatus}


def test_the_import_schema_lists_the_document_kinds() -> None:
    schema = json.loads((REPO / "schemas" / "import.schema.json").read_text(encoding="utf-8"))
    kinds: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "kind" in node.get("properties", {}):
                kinds.extend(node["properties"]["kind"]["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert set(kinds) == {k.value for k in DocumentKind}


def test_only_the_certificate_belongs_to_an_exam() -> None:
    assert [k for k in DocumentKind if k.is_certificate] == [DocumentKind.CE_CERTIFICATE]
    assert set(DocumentKind) - {DocumentKind.CE_CERTIFICATE} == LANGUAGE_KINDS


def test_the_published_schema_lists_the_certificate_and_appeal_states() -> None:
    assert _enumeration("CertificateStatus") == {s.value for s in CertificateStatus}
    assert _enumeration("AppealStatus") == {s.value for s in AppealStatus}
    # a verifier is told the status a third party may know, or that there is none
    assert _enumeration("VerificationStatus") == (
        {s.value for s in CertificateStatus} - {"under_appeal"} | {"not_found"})


def test_the_import_schema_lists_the_imported_statuses() -> None:
    schema = json.loads((REPO / "schemas" / "import.schema.json").read_text(encoding="utf-8"))
    status = schema["$defs"]["document"]["properties"]["status"]["enum"]
    assert set(status) == {s.value for s in IMPORTED_STATUSES}


def test_both_schemas_list_the_decisions_on_an_appeal() -> None:
    assert _enumeration("AppealOutcome") == {o.value for o in AppealOutcome}
    schema = json.loads((REPO / "schemas" / "import.schema.json").read_text(encoding="utf-8"))
    decision = schema["$defs"]["appeal_decision"]["properties"]["decision"]["enum"]
    assert set(decision) == {o.value for o in AppealOutcome}
