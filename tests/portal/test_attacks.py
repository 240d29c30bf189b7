"""Attacks on the sign-in (RULES §11): an e-journal (or someone in between) that lies, a
tampered ID token, a wrong state, a replayed code; each is refused and nobody is signed in."""

from __future__ import annotations

import io
import logging
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from gateway.portal.auth import SignInFailed, school_roles
from gateway.portal.settings import Provider
from gateway.simulators.ejournal.provider import Misbehaviour
from tests.portal.conftest import PortalStand, csrf_of, serving_portal, start_sign_in


def refused(stand: PortalStand, browser: requests.Session, callback: str) -> None:
    answer = browser.get(callback, allow_redirects=False, timeout=10)
    assert answer.status_code == 401
    assert "Pieslēgšanās neizdevās" in answer.text
    after = browser.get(f"{stand.url}results", allow_redirects=False, timeout=10)
    assert after.status_code == 302  # not signed in


@pytest.mark.parametrize(("lie", "reason"), [
    (Misbehaviour.WRONG_NONCE, "nonce"),
    (Misbehaviour.BAD_SIGNATURE, "BadSignatureError"),
    (Misbehaviour.TAMPERED, "BadSignatureError"),
    (Misbehaviour.EXPIRED, "ExpiredTokenError"),
    (Misbehaviour.WRONG_ISSUER, "iss"),
    (Misbehaviour.WRONG_AUDIENCE, "aud"),
    (Misbehaviour.BAD_PERSONAL_CODE, "invalid personal code claim"),
    (Misbehaviour.BAD_SCHOOL_ROLE, "invalid school administrator claim"),
])
def test_a_lying_id_token_is_refused(stand: PortalStand, lie: Misbehaviour, reason: str,
                                     caplog: pytest.LogCaptureFixture) -> None:
    stand.provider.state.misbehaviour = lie
    browser = requests.Session()
    callback = start_sign_in(stand, "anna.berzina", session=browser)
    with caplog.at_level(logging.WARNING, logger="gateway.portal.sign_in"):
        refused(stand, browser, callback)
    (line,) = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert reason in line


def test_wrong_state_is_refused(stand: PortalStand) -> None:
    browser = requests.Session()
    callback = start_sign_in(stand, "anna.berzina", session=browser)
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = parts._replace(query=urlencode({"code": query["code"][0], "state": "forged"}))
    refused(stand, browser, forged.geturl())


def test_a_code_from_another_browser_is_refused(stand: PortalStand) -> None:
    """Login CSRF: the attacker's own code planted into the victim's browser."""
    attacker = requests.Session()
    callback = start_sign_in(stand, "uldis.silins", session=attacker)
    victim = requests.Session()
    victim.get(stand.url, timeout=10)
    refused(stand, victim, callback)


def test_a_replayed_code_is_refused(stand: PortalStand) -> None:
    browser = requests.Session()
    callback = start_sign_in(stand, "anna.berzina", session=browser)
    first = browser.get(callback, allow_redirects=False, timeout=10)
    assert first.status_code == 302
    browser.cookies.clear()  # signed out, or a thief with the URL
    refused(stand, browser, callback)
    # and the e-journal itself takes a code only once
    assert stand.provider.state.grants == {}


def test_an_error_from_the_e_journal_is_refused(stand: PortalStand) -> None:
    browser = requests.Session()
    browser.get(stand.url, timeout=10)
    refused(stand, browser, f"{stand.url}callback/eklase?error=access_denied&state=x")


def test_an_unknown_provider_is_not_found(stand: PortalStand) -> None:
    answer = requests.get(f"{stand.url}callback/google?code=x&state=y", timeout=10)
    assert answer.status_code == 404


def test_an_unreachable_e_journal_is_a_clear_error(stand: PortalStand) -> None:
    browser = requests.Session()
    token = csrf_of(browser.get(stand.url, timeout=10).text)
    stand.provider.stop()
    answer = browser.post(f"{stand.url}login/eklase", data={"csrf_token": token},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 502
    assert "Radās kļūda" in answer.text


def test_an_unknown_provider_cannot_be_started(stand: PortalStand) -> None:
    browser = requests.Session()
    token = csrf_of(browser.get(stand.url, timeout=10).text)
    answer = browser.post(f"{stand.url}login/google", data={"csrf_token": token},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 404


def test_a_silent_e_journal_times_out(tmp_path: Path, accounts: Any) -> None:
    """An e-journal that accepts the connection and never answers holds no worker for long."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    issuer = f"http://127.0.0.1:{silent.getsockname()[1]}/eklase"
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    try:
        with serving_portal(tmp_path, url, accounts, provider_timeout=1.0, providers=[
                Provider(name="eklase", title="E-klase", issuer=issuer)]) as stand:
            browser = requests.Session()
            token = csrf_of(browser.get(stand.url, timeout=10).text)
            started = time.monotonic()
            answer = browser.post(f"{stand.url}login/eklase", data={"csrf_token": token},
                                  allow_redirects=False, timeout=30)
            took = time.monotonic() - started
    finally:
        silent.close()
    assert answer.status_code == 502
    assert 0.9 < took < 5


@pytest.mark.parametrize("claim", [
    "4413900133", ["4413900133 "], ["４４１３９００１３３"], [4413900133], [""], ["1" * 21],
    [str(n) for n in range(21)], {"4413900133": True}, [["4413900133"]],
])
def test_a_malformed_school_role_is_no_role(claim: object) -> None:
    """RULES §12: only a list of institution codes is a school administrator's role."""
    with pytest.raises(SignInFailed):
        school_roles(claim)


def test_a_school_role_is_its_list_of_codes() -> None:
    assert school_roles(None) == ()
    assert school_roles([]) == ()
    assert school_roles(["4413900133", "2713900215", "4413900133"]) == (
        "4413900133", "2713900215")


FORGED_LINE = "2026-12-05 08:00:00,000 INFO gateway.portal.sign_in: portal: admin signed in"


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("breaker", ["\n", "\r\n", "\u2028", "\x85"])
def test_the_e_journals_error_text_cannot_forge_a_log_line(
        stand: PortalStand, fmt: str, breaker: str) -> None:
    """CWE-117 (issue 23): the attacker's ``error_description`` reaches the log through
    Authlib's error, with a valid state; it stays inside its own line."""
    from gateway.logs import JsonFormatter, TextFormatter

    browser = requests.Session()
    callback = start_sign_in(stand, "anna.berzina", session=browser)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        query = urlencode({"error": "access_denied", "state": state,
                           "error_description": f"x{breaker}{FORGED_LINE}"})
        refused(stand, browser, f"{stand.url}callback/eklase?{query}")
    finally:
        root.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    refusals = [line for line in lines if "refused" in line]
    assert refusals and "x" in refusals[0]
    assert not any(line.startswith(FORGED_LINE) for line in lines)
    assert not any(FORGED_LINE in line and "refused" not in line for line in lines)
