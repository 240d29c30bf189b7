"""The README's ready requests for the verification, access-log and appeal operations
(docs/samples/): each gets a signed answer that validates against vpis.xsd and verifies in
xmlsec1 and signxml."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gateway.ns import VPIS
from gateway.soap import contract
from gateway.xmlsafe import parse_message
from tests.soap.conftest import post
from tests.soap.helpers import payload
from tests.soap.test_signatures import certificate, signxml_ok
from tests.stand import REPO, Stand

__all__ = ["certificate"]  # the module fixture of test_signatures, used here too

SAMPLES = REPO / "docs" / "samples"


def xmlsec1_ok(document: bytes, response: str, ca: Path, tmp_path: Path) -> bool:
    """The README's xmlsec1 command, the Id declared on ``response``."""
    target = tmp_path / "answer.xml"
    target.write_bytes(document)
    done = subprocess.run(["xmlsec1", "--verify", "--enabled-reference-uris", "same-doc",
                           "--id-attr:Id", f"{VPIS}:{response}", "--trusted-pem", str(ca),
                           str(target)], capture_output=True, text=True, check=False,
                          timeout=30)
    return done.returncode == 0


@pytest.mark.parametrize("name", ["verifyCertificate", "getAccessLog", "submitAppeal"])
def test_the_sample_gets_a_signed_valid_answer(stand: Stand, stand_engine: Engine,
                                               certificate: str, tmp_path: Path,
                                               name: str) -> None:
    answer = post(stand, (SAMPLES / f"{name}.xml").read_bytes())
    assert answer.status_code == 200, answer.text
    assert contract.body_schema().validate(payload(parse_message(answer.content,
                                                                 max_bytes=1 << 20)))
    assert xmlsec1_ok(answer.content, f"{name}Response", stand.ca_pem, tmp_path)
    tampered = answer.content.replace(b"</vpis:", b" </vpis:", 1)  # one byte more
    assert tampered != answer.content
    assert not xmlsec1_ok(tampered, f"{name}Response", stand.ca_pem, tmp_path)
    assert signxml_ok(answer.content, certificate)
