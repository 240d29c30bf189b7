"""The contracts are found as package data, by name only, and are the top-level files."""

from __future__ import annotations

import pytest

from gateway.contracts import schema_file, wsdl_file
from tests.stand import REPO


@pytest.mark.parametrize("name", ["vpis.wsdl", "pmlp-representation.wsdl"])
def test_a_wsdl_is_the_committed_file(name: str) -> None:
    assert wsdl_file(name).read_bytes() == (REPO / "wsdl" / name).read_bytes()


@pytest.mark.parametrize("name", ["vpis.xsd", "xroad-headers.xsd", "xroad-identifiers.xsd",
                                  "pmlp-representation.xsd", "import.schema.json"])
def test_a_schema_is_the_committed_file(name: str) -> None:
    assert schema_file(name).read_bytes() == (REPO / "schemas" / name).read_bytes()


@pytest.mark.parametrize("name", ["../settings.py", "a/b.xsd", ".hidden", "..\\x.xsd"])
def test_only_a_plain_file_name_is_looked_up(name: str) -> None:
    with pytest.raises(ValueError, match="not a contract file name"):
        schema_file(name)


def test_a_missing_contract_says_the_installation_is_incomplete() -> None:
    with pytest.raises(FileNotFoundError, match="installation is incomplete"):
        wsdl_file("nothing.wsdl")
