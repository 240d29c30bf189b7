"""The verification guard holds across workers and instances (RULES §14): three failed
verifications from one client, spread over two gateway instances on one PostgreSQL (and over
two gunicorn workers of one instance, on either database), block that client on both, by share
code and by personal code, whatever it asks next. Real ``gateway serve`` processes; the demo's
share (``gateway demo``) verified with the key file both instances read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import zeep

from gateway.demo.shares import DEMO_CODE, DEMO_NUMBER
from gateway.domain.shares import display
from tests.conftest import fresh_pg_schema
from tests.portal.countries import portal_environment
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault
from tests.soap.people import ALEKSEJS, JANIS
from tests.stand import VERIFIER, free_port, gateway_process, run_cli

SOFIJA = "325512-80347"


@dataclass(frozen=True)
class Instance:
    url: str


def _env(data_dir: Path, database_url: str, port: int, key: Path) -> dict[str, str]:
    return portal_environment(data_dir, database_url, port, GATEWAY_SHARE_KEY_FILE=str(key))


def _on_page(url: str, code: str) -> tuple[int, str]:
    """One verification on the public page, in a new browser (a new connection)."""
    with requests.Session() as browser:
        form = browser.get(f"{url}verify", params={"number": DEMO_NUMBER}, timeout=15)
        assert form.status_code == 200, form.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        answer = browser.post(f"{url}portal/verify", timeout=15, data={
            "csrf_token": token.group(1), "number": DEMO_NUMBER, "code": code})
    found = re.search(r'data-status="(\w+)"', answer.text)
    return answer.status_code, found.group(1) if found else ""


def _scenario(first: str, second: str) -> None:
    right = display(DEMO_CODE)
    assert _on_page(second, right) == (200, "valid")  # one share, one key, both instances
    assert [_on_page(url, "WRONG-CODE-NUMBER-ONE") for url in (first, second, first)] == [
        (200, "not_found")] * 3
    assert _on_page(second, right)[0] == _on_page(first, right)[0] == 429
    assert _on_page(first, "WRONG-CODE-NUMBER-TWO")[0] == 429

    one, two = Caller(Instance(first)), Caller(Instance(second))  # type: ignore[arg-type]
    for caller in (one, two, one):
        assert caller.call("verifyCertificate", ALEKSEJS, _client=VERIFIER,
                           documentNumber=DEMO_NUMBER, personalCode=JANIS).status == "not_found"
    for caller in (one, two):
        expect_fault(lambda c=caller: c.call("verifyCertificate", ALEKSEJS, _client=VERIFIER,
                                             documentNumber=DEMO_NUMBER, personalCode=SOFIJA),
                     "VerificationBlocked")
    with pytest.raises(zeep.exceptions.Fault):
        two.call("verifyShare", ALEKSEJS, _client=VERIFIER, documentNumber=DEMO_NUMBER,
                 shareCode=right)


def test_the_guard_holds_across_two_workers(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    env = _env(tmp_path, database_url, port, tmp_path / "share.key")
    run_cli(env, "init")
    run_cli(env, "demo")
    with gateway_process(env, port, tmp_path, workers=2):
        url = f"http://127.0.0.1:{port}/"
        _scenario(url, url)


@pytest.mark.postgres
def test_the_guard_holds_across_two_instances_on_one_postgresql(tmp_path: Path) -> None:
    with fresh_pg_schema("gw_guard") as database_url:
        first, second = free_port(), free_port()
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        key = tmp_path / "share.key"  # every instance reads the same key
        env_a = _env(tmp_path / "a", database_url, first, key)
        env_b = _env(tmp_path / "b", database_url, second, key)
        run_cli(env_a, "init")
        run_cli(env_a, "demo")
        with gateway_process(env_a, first, tmp_path / "a"), \
                gateway_process(env_b, second, tmp_path / "b"):
            _scenario(f"http://127.0.0.1:{first}/", f"http://127.0.0.1:{second}/")
