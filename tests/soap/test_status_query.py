"""``gateway verify FILE.edoc --status-from URL`` (issue 12): the status of a local e-document,
asked of a running gateway, its answer's signature checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gateway.status_query import number_in_edoc
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.test_status import NEW_BIO, VALID_MAT
from tests.stand import REPO, Stand


def verify(stand: Stand, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gateway.cli", "verify", str(path),
                           "--status-from", stand.url, "--user", P.ALEKSEJS, *extra],
                          env=stand.env, cwd=REPO, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.fixture(scope="module")
def edocs(caller: Caller, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("edocs")
    paths = {}
    for number in (VALID_MAT, NEW_BIO):
        answer = caller.call("getDocument", P.SOFIJA, personalCode=P.SOFIJA,
                             documentNumber=number)
        path = out / answer.fileName
        path.write_bytes(answer.content)
        paths[number] = path
    return paths


def test_the_number_is_read_from_the_container(edocs: dict[str, Path]) -> None:
    assert number_in_edoc(edocs[NEW_BIO].read_bytes()) == NEW_BIO


def test_a_valid_certificate_reports_exam_year_and_total(stand: Stand,
                                                         edocs: dict[str, Path]) -> None:
    done = verify(stand, edocs[NEW_BIO], "--holder", P.SOFIJA)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"status: {NEW_BIO}: valid (" in done.stdout and "2024/2025, 65.8 %" in done.stdout
    assert "answer signature checked" in done.stdout


def test_a_wrong_holder_reports_not_found(stand: Stand, edocs: dict[str, Path]) -> None:
    done = verify(stand, edocs[VALID_MAT], "--holder", P.JANIS)
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"status: {VALID_MAT}: not_found" in done.stdout


def test_the_holder_is_required(stand: Stand, edocs: dict[str, Path]) -> None:
    assert verify(stand, edocs[VALID_MAT]).returncode == 2
