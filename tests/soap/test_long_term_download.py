"""End to end (RULES §6): getDocument hands out a XAdES-B-LT ``.edoc`` sealed against the demo
PKI on 127.0.0.1, which ``gateway verify`` accepts under libfaketime 20 years on; with the TSA
down a download that must be sealed is ``Server.SealingUnavailable`` and nothing is stored."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from zeep.exceptions import Fault

from gateway.signing.asice import read_container
from gateway.signing.sealer import level_of
from gateway.store.db import create_engine_from_url
from gateway.store.models import Document
from tests.pki import demo_pki, pki_env
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.stand import (
    REPO,
    Stand,
    environment,
    free_port,
    gateway_process,
    process,
    run_cli,
)

TWENTY_YEARS = "+7305d"


def test_download_is_b_lt_verifies_in_2046_and_a_dead_tsa_means_try_later(
    database_url: str, tmp_path: Path
) -> None:
    faketime = shutil.which("faketime")
    assert faketime, "faketime is missing: run scripts/system-packages"
    data_dir = tmp_path / "var"
    with demo_pki(data_dir) as pki:
        gw_port, dead_port, reg_port = free_port(), free_port(), free_port()
        registry_url = f"http://127.0.0.1:{reg_port}/"
        env = environment(data_dir, database_url, GATEWAY_REGISTRY_URL=registry_url,
                          GATEWAY_PUBLIC_URL=f"http://127.0.0.1:{gw_port}/", **pki_env(pki))
        dead = {**env, "GATEWAY_SIGNING__TSA_URL": "http://127.0.0.1:9/tsa",
                "GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{dead_port}/"}
        run_cli(env, "init")
        run_cli(env, "demo")
        log = data_dir / "processes.log"
        with process(["registry-sim", "--port", str(reg_port)], env, registry_url + "?wsdl",
                     log), gateway_process(env, gw_port, data_dir), \
                gateway_process(dead, dead_port, data_dir):
            live = Caller(Stand(f"http://127.0.0.1:{gw_port}/", registry_url, data_dir,
                                database_url, env))
            first, second = (d.number for d in live.call(
                "listDocuments", P.JANIS, personalCode=P.JANIS).documents.document[:2])
            answer = live.call("getDocument", P.JANIS, personalCode=P.JANIS,
                               documentNumber=first)
            edoc = bytes(answer.content)
            down = Caller(Stand(f"http://127.0.0.1:{dead_port}/", registry_url, data_dir,
                                database_url, dead))
            with pytest.raises(Fault) as refused:
                down.call("getDocument", P.JANIS, personalCode=P.JANIS, documentNumber=second)
            # a stored one is served even while the TSA is down
            again = down.call("getDocument", P.JANIS, personalCode=P.JANIS, documentNumber=first)
            assert bytes(again.content) == edoc
    assert refused.value.code.endswith("Server.SealingUnavailable")
    assert "try again later" in refused.value.message.lower()
    engine = create_engine_from_url(database_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(Document.edoc).where(Document.number == second)) is None
    finally:
        engine.dispose()
    (signature,) = read_container(edoc).signatures.values()
    assert level_of(signature) == "B-LT"
    path = tmp_path / "certificate.edoc"
    path.write_bytes(edoc)
    clean = {k: v for k, v in env.items() if not k.startswith("GATEWAY_CLOCK")}
    checked = subprocess.run([faketime, "-f", TWENTY_YEARS, sys.executable, "-m", "gateway.cli",
                              "verify", str(path)], env=clean, cwd=REPO, capture_output=True,
                             text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "XAdES-B-LT" in checked.stdout
    assert "signature time-stamp: over the SignatureValue" in checked.stdout
