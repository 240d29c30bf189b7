"""docs/FAULTS.md is what gateway/errors.py and gateway/soap/problems.py say, word for word."""

from __future__ import annotations

from gateway import errors
from gateway.soap import fault_table


def test_the_document_is_current() -> None:
    assert fault_table.DOCUMENT.read_text(encoding="utf-8") == fault_table.render(), (
        "docs/FAULTS.md is stale: run python -m gateway.soap.fault_table"
    )


def test_every_fault_code_and_both_its_messages_are_listed() -> None:
    document = fault_table.DOCUMENT.read_text(encoding="utf-8")
    for cls in fault_table._errors():
        assert f"| `{cls.__name__}` | `{cls.code}` |" in document
        assert cls.message_lv in document and cls.message_en in document
    assert "`UnknownClient`" in document
    assert "Pieprasītāja sistēmai nav piekļuves šim pakalpojumam." in document
    assert "Pieprasītājam sistēmai" not in document
    assert errors.InvalidRequest.message_lv in document
