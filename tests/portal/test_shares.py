"""Sharing a certificate without the personal code, end to end (RULES §14), on SQLite and
PostgreSQL: the gateway's SOAP and portal application (as ``gateway serve`` runs them), the
population register simulator and the e-journal simulator on 127.0.0.1, the real zeep client.

A student makes a share on the portal; a verifier in another country verifies it on the public
page without any personal code; the student sees that use on their shares page, in their access
log and through ``getAccessLog``, and revokes the share, after which the same code is "not
found". The X-Road operations do the same through zeep. Three failures from one web client
block it, with the same answer whether the fourth guess is right or wrong."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from gateway.soap import contract
from tests.portal.conftest import NOW, csrf_of, sign_in
from tests.portal.countries import DE_CLIENT, US_CLIENT
from tests.portal.test_access_log_page import (
    ARTURS,
    EMILS,
    PORTAL,
    Gateway,
    login_of,
    serving_gateway,
)
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload

VERIFIER = "LV/EDU/90000076669/LU"
GUESSER = "LV/COM/40003000009/HR"
CLERK = P.ALEKSEJS  # whoever sits at the verifier's keyboard
SHARES = {"listDocuments": [PORTAL], "createShare": [PORTAL], "listShares": [PORTAL],
          "revokeShare": [PORTAL], "getAccessLog": [PORTAL], "verifyShare": [VERIFIER, GUESSER],
          "verifyCertificate": [VERIFIER, GUESSER]}
STATUS = re.compile(
    r'<section class="card result" id="verify-result"[^>]*data-status="(\w+)"')


@pytest.fixture
def gateway(tmp_path: Path, database_url: str) -> Iterator[Gateway]:
    # a proxy on loopback: the verifiers' addresses come from X-Forwarded-For (RULES §11)
    with serving_gateway(tmp_path, database_url, allowed=SHARES,
                         kinds={VERIFIER: "verifier", GUESSER: "verifier"},
                         trusted_proxies=("127.0.0.1/32",)) as running:
        yield running


def visitor(address: str) -> requests.Session:
    """A browser at ``address`` (behind the trusted proxy)."""
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = address
    return browser


def verify_on_page(gateway: Gateway, browser: requests.Session, number: str, code: str
                   ) -> requests.Response:
    form = browser.get(f"{gateway.root}verify", params={"number": number}, timeout=10)
    assert form.status_code == 200, form.text
    return browser.post(f"{gateway.portal.url}verify", timeout=10, data={
        "csrf_token": csrf_of(form.text), "number": number, "code": code})


def status_of(page: requests.Response) -> str:
    found = STATUS.search(page.text)
    assert found, page.text
    return found.group(1)


def make_share_on_portal(gateway: Gateway, student: requests.Session) -> tuple[str, str, str]:
    """(number, code, link) of a new share of the student's first certificate."""
    page = student.get(f"{gateway.portal.url}shares", timeout=10)
    assert page.status_code == 200
    number = re.findall(r'name="number" value="([^"]+)"', page.text)[0]
    expires = re.search(r'name="expires_on" id="expires_on" value="([^"]+)"', page.text)
    assert expires
    made = student.post(f"{gateway.portal.url}shares", timeout=10, data={
        "csrf_token": csrf_of(page.text), "number": number, "expires_on": expires.group(1)})
    assert made.status_code == 200, made.text
    code = re.search(r'<strong class="code" id="share-code">([^<]+)</strong>', made.text)
    link = re.search(r'<a href="([^"]+)" id="share-link"', made.text)
    assert code and link
    assert '<svg' in made.text  # the QR code, inline
    return number, code.group(1), html.unescape(link.group(1))


def test_a_share_made_on_the_portal_is_verified_anywhere_seen_by_the_holder_and_revoked(
        gateway: Gateway) -> None:
    portal = gateway.portal
    student = sign_in(portal, login_of(EMILS))
    number, code, link = make_share_on_portal(gateway, student)
    assert re.fullmatch(r"[2-9A-Z]{7}-[2-9A-Z]{7}-[2-9A-Z]{7}", code)
    assert link.startswith(f"{gateway.root}verify?number=")

    german = visitor(DE_CLIENT)  # the Baltic-only rule is for the student portal, not this page
    assert german.get(portal.url, timeout=10).status_code == 403
    followed = german.get(link, timeout=10)
    assert followed.status_code == 200 and followed.url.startswith(f"{portal.url}verify?")
    assert f'value="{code}"' in followed.text  # the link fills the code in
    answer = verify_on_page(gateway, german, number, code.lower().replace("-", " "))
    assert status_of(answer) == "valid"
    assert "Emīls Šteins" in answer.text and "2025./2026." in answer.text
    assert EMILS not in answer.text and EMILS.replace("-", "") not in answer.text

    shown = student.get(f"{portal.url}shares", timeout=10).text
    assert re.search(r'<li class="use">.*?<span class="client">public page \(DE\)</span>', shown)
    log = student.get(f"{portal.url}access-log", timeout=10).text
    row = re.search(r'<td class="service">portal\.verify</td>\s*<td class="client">([^<]*)</td>'
                    r'\s*<td class="by" data-accessor="(\w+)"', log)
    assert row and row.groups() == ("public page (DE)", "verifier")
    caller = Caller(gateway)  # type: ignore[arg-type]
    day = NOW.date().isoformat()
    entries = caller.call("getAccessLog", EMILS, personalCode=EMILS, pageSize=100,
                          **{"from": day, "to": day}).entries.entry
    assert any(e.service == "portal.verify" and e.accessor == "verifier"
               and e.client == "public page (DE)" for e in entries)

    share_id = re.search(r'name="share" value="(\d+)"', shown)
    assert share_id
    revoked = student.post(f"{portal.url}shares/revoke", timeout=10, data={
        "csrf_token": csrf_of(shown), "share": share_id.group(1)})
    assert revoked.status_code == 200 and 'data-state="revoked"' in revoked.text
    assert status_of(verify_on_page(gateway, german, number, code)) == "not_found"


def test_the_x_road_operations_do_the_same_through_zeep(gateway: Gateway) -> None:
    caller = Caller(gateway)  # type: ignore[arg-type]
    listed = caller.call("listShares", EMILS, personalCode=EMILS)
    assert listed.share == []
    shareable = _shareable(gateway)
    made = caller.call("createShare", EMILS, personalCode=EMILS, documentNumber=shareable[:2],
                       expiresOn="2027-05-31")
    _valid(caller)
    code = made.shareCode
    assert made.link.startswith(f"{gateway.root}verify?code=") and "<svg" in made.qrSvg

    for number in shareable[:2]:
        found = caller.call("verifyShare", CLERK, _client=VERIFIER, documentNumber=number,
                            shareCode=code)
        _valid(caller)
        assert found.status == "valid" and found.holderName == "Emīls Šteins"
        assert EMILS.replace("-", "") not in etree.tostring(caller.last_response).decode()
    shares = caller.call("listShares", EMILS, personalCode=EMILS).share
    _valid(caller)
    assert [(s.shareId, s.state) for s in shares] == [(made.shareId, "active")]
    assert sorted(u.documentNumber for u in shares[0].use) == sorted(shareable[:2])
    assert {u.client for u in shares[0].use} == {VERIFIER}

    day = NOW.date().isoformat()
    entries = caller.call("getAccessLog", EMILS, personalCode=EMILS, pageSize=100,
                          **{"from": day, "to": day}).entries.entry
    assert sum(e.service == "verifyShare" and e.accessor == "verifier" and e.client == VERIFIER
               for e in entries) == 2

    caller.call("revokeShare", EMILS, personalCode=EMILS, shareId=made.shareId)
    _valid(caller)
    gone = caller.call("verifyShare", CLERK, _client=VERIFIER, documentNumber=shareable[0],
                       shareCode=code)
    assert gone.status == "not_found" and gone.holderName is None
    expect_fault(lambda: caller.call("revokeShare", ARTURS, personalCode=EMILS,
                                     shareId=made.shareId), "NoMandate")


def test_a_parent_shares_for_a_minor_and_nobody_else_may(gateway: Gateway) -> None:
    caller = Caller(gateway)  # type: ignore[arg-type]
    documents = caller.call("listDocuments", P.PETERIS, personalCode=P.ANNA).documents.document
    annas = [d.number for d in documents if d.kind == "ce_certificate"]
    made = caller.call("createShare", P.PETERIS, personalCode=P.ANNA, documentNumber=annas[:1],
                       expiresOn="2027-01-31")
    assert made.personalCode == P.ANNA
    # a minor herself (EP226 is for adults), a parent of an adult, a stranger: refused
    expect_fault(lambda: caller.call("createShare", P.ANNA, personalCode=P.ANNA,
                                     documentNumber=annas[:1], expiresOn="2027-01-31"),
                 "RequesterUnderage")
    expect_fault(lambda: caller.call("createShare", ARTURS, personalCode=EMILS,
                                     documentNumber=_shareable(gateway)[:1],
                                     expiresOn="2027-01-31"), "NoMandate")
    expect_fault(lambda: caller.call("listShares", P.ALEKSEJS, personalCode=P.ANNA),
                 "NoMandate")
    expect_fault(lambda: caller.call("createShare", P.PETERIS, personalCode=P.ANNA,
                                     documentNumber=annas[:1], expiresOn="2027-11-29"),
                 "InvalidShare")  # more than a year ahead


def test_three_failures_block_the_web_client_whatever_its_fourth_guess(
        gateway: Gateway) -> None:
    student = sign_in(gateway.portal, login_of(EMILS))
    number, code, _link = make_share_on_portal(gateway, student)
    guesser = visitor(US_CLIENT)
    for guess in ("AAAAAAA-BBBBBBB-CCCCCCC", "AAAAAAA-BBBBBBB-CCCCCCD", "nonsense"):
        assert status_of(verify_on_page(gateway, guesser, number, guess)) == "not_found"
    right = verify_on_page(gateway, guesser, number, code)
    wrong = verify_on_page(gateway, guesser, number, "AAAAAAA-BBBBBBB-CCCCCCE")
    assert right.status_code == wrong.status_code == 429
    assert right.text == wrong.text  # nothing tells a right guess from a wrong one
    assert "24 stundas" in right.text and "24 hours" in right.text  # says so, LV and EN
    assert status_of(verify_on_page(gateway, visitor(DE_CLIENT), number, code)) == "valid"
    # the X-Road client's block covers verification by personal code as well
    caller = Caller(gateway)  # type: ignore[arg-type]
    for _ in range(3):
        assert caller.call("verifyCertificate", CLERK, _client=GUESSER, documentNumber=number,
                           personalCode=P.ANNA).status == "not_found"
    for call in (lambda: caller.call("verifyCertificate", CLERK, _client=GUESSER,
                                     documentNumber=number, personalCode=EMILS),
                 lambda: caller.call("verifyShare", CLERK, _client=GUESSER,
                                     documentNumber=number, shareCode=code)):
        fault = expect_fault(call, "VerificationBlocked")
        assert "24" in str(fault.message)


def _shareable(gateway: Gateway) -> list[str]:
    caller = Caller(gateway)  # type: ignore[arg-type]
    documents = caller.call("listDocuments", EMILS, personalCode=EMILS).documents.document
    return [d.number for d in documents
            if d.kind == "ce_certificate" and d.status in ("valid", "under_appeal")]


def _valid(caller: Caller) -> Any:
    assert contract.body_schema().validate(payload(caller.last_response))


def test_the_share_and_verification_pages_are_structured_for_screen_readers(
        gateway: Gateway) -> None:
    from tests.portal.test_accessibility import check_page

    student = sign_in(gateway.portal, login_of(EMILS))
    check_page(student.get(f"{gateway.portal.url}shares", timeout=10).text, "lv")
    number, code, _link = make_share_on_portal(gateway, student)
    check_page(student.get(f"{gateway.portal.url}shares", timeout=10).text, "lv")
    german = visitor(DE_CLIENT)
    check_page(german.get(f"{gateway.portal.url}verify", timeout=10).text, "lv")
    check_page(verify_on_page(gateway, german, number, code).text, "lv")
    check_page(german.get(f"{gateway.portal.url}verify?lang=en", timeout=10).text, "en")


def test_a_minor_student_may_not_share_on_the_portal(gateway: Gateway) -> None:
    minor = sign_in(gateway.portal, login_of(P.ANNA))
    page = minor.get(f"{gateway.portal.url}shares", timeout=10)
    assert page.status_code == 403 and "Tikai pilngadīgiem" in page.text
    assert 'id="share-form"' not in page.text
