"""The ready requests under ``docs/samples/``: one per operation, each answered by the demo stand
without a fault, and each answer verified by ``gateway verify`` (the CLI, as a user runs it,
from another directory) and by xmlsec1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from gateway.ns import SOAP11_ENV, VPIS, WSDL, XROAD
from gateway.soap import contract
from tests.signing.conftest import XMLSEC1_VERIFY
from tests.soap.conftest import post
from tests.stand import REPO, Stand

SAMPLES = REPO / "docs" / "samples"
EXPECTED = {
    "getExamResults": b"<vpis:schoolYear>",
    "listDocuments": b"2026/147296056270-FRA09",
    "getDocument": b"<vpis:content>",
    "requestPaperCopy": b"<vpis:paperCopy>",
    "submitDocumentApplication": b"<vpis:reference>",
    "getInstitutionResults": b"Cesvaines vidusskola",
    "verifyCertificate": b"<vpis:status>valid</vpis:status>",
    "getAccessLog": b"<vpis:entries",
    "submitAppeal": b"<vpis:reference>APL-2026-DEMO0001</vpis:reference>",
}
"""Per sample, what its answer must hold (beyond being the operation's signed response)."""


def operations() -> set[str]:
    tree = etree.parse(str(contract.WSDL_PATH))
    return {op.get("name", "") for op in tree.iter(f"{{{WSDL}}}operation")}


def test_there_is_a_sample_for_every_operation() -> None:
    assert {p.stem for p in SAMPLES.glob("*.xml")} == operations() == set(EXPECTED)


def test_every_sample_has_its_own_message_id() -> None:
    """X-Road message ids identify one message each (issue 24: samples shared them)."""
    ids = {p.name: etree.parse(str(p)).findtext(f".//{{{XROAD}}}id") for p in SAMPLES.glob("*.xml")}
    assert all(ids.values()), ids
    assert len(set(ids.values())) == len(ids), ids


def verify_cli(answer: Path, stand: Stand, *args: str) -> subprocess.CompletedProcess[str]:
    """``gateway verify`` as a user runs it: from the answer's directory, the stand's settings."""
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "verify", str(answer), *args],
        env={**stand.env, "PYTHONPATH": str(REPO), **{"PATH": os.environ.get("PATH", "")}},
        cwd=answer.parent, text=True, capture_output=True, timeout=120, check=False,
    )


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_each_sample_is_answered_and_its_answer_verifies(
    stand: Stand, tmp_path: Path, operation: str
) -> None:
    sample = (SAMPLES / f"{operation}.xml").read_bytes()
    answer = post(stand, sample)
    assert answer.status_code == 200, answer.text[:2000]
    body = etree.fromstring(answer.content).find(f"{{{SOAP11_ENV}}}Body")
    assert body is not None and body[0].tag == f"{{{VPIS}}}{operation}Response"
    assert EXPECTED[operation] in answer.content
    saved = tmp_path / "answer.xml"
    saved.write_bytes(answer.content)

    done = verify_cli(saved, stand)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"CA: {stand.ca_pem} (the demo CA in data_dir {stand.data_dir})" in done.stdout
    assert f"payload {operation}Response" in done.stdout
    assert done.stdout.rstrip().endswith(f"{saved}: valid")
    assert not (tmp_path / "var").exists()  # nothing made where the command ran

    pinned = verify_cli(saved, stand, "--ca", str(stand.ca_pem))
    assert pinned.returncode == 0 and f"CA: {stand.ca_pem} (--ca)" in pinned.stdout

    xmlsec1 = subprocess.run(
        [*XMLSEC1_VERIFY[:-2], f"{VPIS}:{operation}Response", XMLSEC1_VERIFY[-1],
         str(stand.ca_pem), str(saved)],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert xmlsec1.returncode == 0, xmlsec1.stderr


def test_verify_against_another_ca_says_so(stand: Stand, tmp_path: Path) -> None:
    answer = post(stand, (SAMPLES / "getExamResults.xml").read_bytes())
    saved = tmp_path / "answer.xml"
    saved.write_bytes(answer.content)
    other = tmp_path / "other"
    subprocess.run([sys.executable, "-m", "gateway.cli", "init"],
                   env={**stand.env, "GATEWAY_DATA_DIR": str(other),
                        "GATEWAY_DATABASE_URL": f"sqlite:///{other / 'gw.db'}"},
                   cwd=REPO, capture_output=True, check=True, timeout=120)
    done = verify_cli(saved, stand, "--ca", str(other / "keys" / "ca.pem"))
    assert done.returncode == 1
    assert f"CA: {other / 'keys' / 'ca.pem'} (--ca)" in done.stdout
    assert "FAILED (certificate-chain)" in done.stdout
