"""The portal over HTTP (RULES §11, §5, §6, §7): sign-in through the e-journal simulator, the
student's own results of the last six months, the certificate download, sessions, cookies,
headers, CSRF and rate limits, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import insert, select

from gateway.signing.keys import pinned_ca_file
from gateway.signing.verify import verify_file
from gateway.store import documents as documents_store
from gateway.store.importer import import_document
from gateway.store.models import Appeal, AuditRecord
from tests.portal.conftest import (
    PortalStand,
    csrf_of,
    serving_portal,
    sign_in,
)

ANNA = "14031024716"
ANNA_CERTIFICATES = {"2026/147296056270-FRA09", "2026/657781363680-LVA09"}
JANIS_2025 = "2025/608747367428-ANG"  # Jānis's, published July 2025: past the six months
NIKITA_2027 = "2027/252007159107-ANG09"  # unpublished until 2027-07-01
ULDIS = "23061025626"  # failed ANG09 in 2026-P


def audit_rows(stand: PortalStand, service: str) -> list[Any]:
    with stand.engine.connect() as conn:
        return list(conn.execute(
            select(AuditRecord).where(AuditRecord.service == service).order_by(AuditRecord.id)))


def test_signed_in_student_sees_own_results_of_six_months(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10)
    assert page.status_code == 200
    assert "Mani eksāmenu rezultāti" in page.text
    assert "Tiek rādīti tikai pēdējo 6 mēnešu laikā publicētie rezultāti." in page.text
    shown = set(re.findall(r'class="number">([^<]+)<', page.text))
    assert shown >= ANNA_CERTIFICATES
    assert all(n.startswith("2026/") for n in shown)
    # the exam's name alone; its school year is the next column, not repeated in the name
    assert '<th scope="row">Eksāmens franču valodā 9. klasei</th>' in page.text
    assert "m.g.</th>" not in page.text
    assert "<td>2025./2026.</td>" in page.text and "Klausīšanās" in page.text
    assert JANIS_2025 not in page.text
    # the view is audited with the portal as the client, the documents shown listed
    (record,) = audit_rows(stand, "portal.results")
    assert record.client == stand.settings.audit_client
    assert record.requester_code == record.subject_code == ANNA
    assert record.outcome == "allowed"
    assert set(record.documents) >= ANNA_CERTIFICATES


def test_not_passed_exams_are_shown_without_a_certificate(stand: PortalStand) -> None:
    browser = sign_in(stand, "uldis.silins")
    page = browser.get(f"{stand.url}results", timeout=10)
    row = re.search(r"angļu valodā 9\. klasei.*?</tr>", page.text, re.S)
    assert row, page.text
    assert "Nav nokārtots" in row.group(0)
    assert "1,9%" in row.group(0)
    assert "certificate?number" not in row.group(0)


def test_after_six_months_the_session_is_gone(stand: PortalStand) -> None:
    stand.runtime.clock = lambda: datetime(2027, 1, 11, 6, 0, tzinfo=UTC)  # 11 Jan 08:00 Riga
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10)
    assert "Pēdējo 6 mēnešu laikā publicētu rezultātu nav." in page.text
    assert "class=\"number\"" not in page.text
    answer = browser.get(f"{stand.url}certificate", params={"number": "2026/147296056270-FRA09"},
                         timeout=10)
    assert answer.status_code == 404


def test_before_publication_the_session_does_not_exist(stand: PortalStand) -> None:
    stand.runtime.clock = lambda: datetime(2026, 7, 1, 4, 59, tzinfo=UTC)  # 07:59 Riga
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10)
    assert "2026/" not in page.text
    stand.runtime.clock = lambda: datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 08:00 Riga
    page = browser.get(f"{stand.url}results", timeout=10)
    assert "2026/147296056270-FRA09" in page.text


def test_download_is_the_sealed_edoc_ep226_serves(stand: PortalStand, tmp_path: Path) -> None:
    browser = sign_in(stand, "anna.berzina")
    number = "2026/147296056270-FRA09"
    first = browser.get(f"{stand.url}certificate", params={"number": number}, timeout=30)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/vnd.etsi.asic-e+zip"
    assert 'filename="2026-147296056270-FRA09.edoc"' in first.headers["Content-Disposition"]
    path = tmp_path / "cert.edoc"
    path.write_bytes(first.content)
    ca = pinned_ca_file(stand.runtime.settings.signing, stand.runtime.settings.data_dir)
    assert ca is not None
    checks = verify_file(path, ca_file=ca)
    assert checks
    again = browser.get(f"{stand.url}certificate", params={"number": number}, timeout=30)
    assert again.content == first.content
    assert stand.runtime.issuer.counters.sealed == 1  # sealed once, then served as stored
    records = audit_rows(stand, "portal.certificate")
    assert [r.documents for r in records] == [[number], [number]]
    assert all(r.client == stand.settings.audit_client and r.subject_code == ANNA
               for r in records)
    # the one document store EP226's getDocument serves from holds exactly these bytes
    with stand.engine.connect() as conn:
        assert documents_store.stored_edoc(conn, number) == first.content


@pytest.mark.parametrize("number", [JANIS_2025, NIKITA_2027, "2026/000000000000-XXX",
                                    "../../etc/passwd", ""])
def test_other_numbers_are_not_found(stand: PortalStand, number: str) -> None:
    browser = sign_in(stand, "anna.berzina")
    answer = browser.get(f"{stand.url}certificate", params={"number": number}, timeout=10)
    assert answer.status_code == 404
    assert "Dokuments" in answer.text or "nav atrasts" in answer.text
    (record,) = audit_rows(stand, "portal.certificate")
    assert record.outcome == "refused" and record.reason == "DocumentNotFound"


def test_another_students_certificate_is_not_found(stand: PortalStand) -> None:
    browser = sign_in(stand, "uldis.silins")
    answer = browser.get(f"{stand.url}certificate",
                         params={"number": "2026/147296056270-FRA09"}, timeout=10)
    assert answer.status_code == 404


def test_without_sign_in_there_is_nothing(stand: PortalStand) -> None:
    browser = requests.Session()
    for path in ("results", "certificate?number=2026/147296056270-FRA09"):
        answer = browser.get(f"{stand.url}{path}", allow_redirects=False, timeout=10)
        assert answer.status_code == 302
        assert answer.headers["Location"].endswith("/portal/")
    assert audit_rows(stand, "portal.results") == []


def test_sign_out_ends_the_session(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10)
    out = browser.post(f"{stand.url}logout", data={"csrf_token": csrf_of(page.text)},
                       allow_redirects=False, timeout=10)
    assert out.status_code == 302
    home = browser.get(urljoin(stand.url, out.headers["Location"]), timeout=10)
    assert "Jūs esat izgājis no sistēmas." in home.text
    answer = browser.get(f"{stand.url}results", allow_redirects=False, timeout=10)
    assert answer.status_code == 302


def test_session_times_out(stand: PortalStand, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = sign_in(stand, "anna.berzina")
    assert browser.get(f"{stand.url}results", allow_redirects=False, timeout=10).status_code == 200
    import gateway.portal.web as portal_web

    later = portal_web.time.time() + stand.settings.session_minutes * 60 + 5
    monkeypatch.setattr(portal_web.time, "time", lambda: later)
    answer = browser.get(f"{stand.url}results", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    home = browser.get(f"{stand.url}", timeout=10)
    assert "Sesija beigusies" in home.text or "Pieslēgšanās" in home.text


def test_cookie_and_security_headers(stand: PortalStand) -> None:
    home = requests.get(stand.url, timeout=10)
    cookie = home.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal/" in cookie
    assert "Secure" not in cookie  # the local http stand turns it off explicitly
    csp = home.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert f"form-action 'self' {stand.provider.url}" in csp
    for name, value in {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}.items():
        assert home.headers[name] == value
    missing = requests.get(f"{stand.url}nothing-here", timeout=10)
    assert missing.status_code == 404 and "Content-Security-Policy" in missing.headers
    assert "<script" not in home.text


def test_secure_cookies_when_configured(tmp_path: Path, accounts: Any) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with serving_portal(tmp_path, url, accounts, secure_cookies=True) as stand:
        cookie = requests.get(stand.url, timeout=10).headers["Set-Cookie"]
    assert "Secure" in cookie


def test_csrf_is_required_on_every_post(stand: PortalStand) -> None:
    browser = requests.Session()
    browser.get(stand.url, timeout=10)
    for data in ({}, {"csrf_token": "forged"}):
        answer = browser.post(f"{stand.url}login/eklase", data=data, allow_redirects=False,
                              timeout=10)
        assert answer.status_code == 400
        assert "Veidlapa ir novecojusi" in answer.text
    signed_in = sign_in(stand, "anna.berzina")
    answer = signed_in.post(f"{stand.url}logout", data={}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    still = signed_in.get(f"{stand.url}results", allow_redirects=False, timeout=10)
    assert still.status_code == 200


def test_english_switch(stand: PortalStand) -> None:
    browser = requests.Session()
    lv = browser.get(stand.url, timeout=10)
    assert '<html lang="lv">' in lv.text and "Pieslēgties ar E-klase" in lv.text
    en = browser.get(f"{stand.url}lang/en", timeout=10)
    assert '<html lang="en">' in en.text and "Sign in with E-klase" in en.text
    sign_in(stand, "anna.berzina", session=browser)
    page = browser.get(f"{stand.url}results", timeout=10)
    assert "My examination results" in page.text
    assert "Only results published within the last 6 months are shown." in page.text
    # Latvian names on an English page are marked as Latvian (issue 24)
    assert '<th scope="row"><span lang="lv">Eksāmens franču valodā 9. klasei</span></th>' in (
        page.text)
    back = browser.get(f"{stand.url}lang/lv", params={"next": "results"}, timeout=10)
    assert "Mani eksāmenu rezultāti" in back.text
    odd = browser.get(f"{stand.url}lang/de", params={"next": "https://evil.example/"},
                      allow_redirects=False, timeout=10)
    assert odd.headers["Location"] == "/portal/"


def test_no_personal_code_in_urls_or_logs(stand: PortalStand,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10)
    browser.get(f"{stand.url}certificate", params={"number": "2026/147296056270-FRA09"},
                timeout=30)
    browser.post(f"{stand.url}logout", data={"csrf_token": csrf_of(page.text)}, timeout=10)
    lines = [r.getMessage() for r in caplog.records]
    assert lines
    for line in lines:
        assert ANNA not in line and "140310-24716" not in line
    assert "140310" not in page.url


def test_sign_ins_are_rate_limited(tmp_path: Path, accounts: Any) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with serving_portal(tmp_path, url, accounts, sign_in_limit=3) as stand:
        browser = requests.Session()
        token = csrf_of(browser.get(stand.url, timeout=10).text)
        codes = [browser.post(f"{stand.url}login/eklase", data={"csrf_token": token},
                              allow_redirects=False, timeout=10).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]


def test_downloads_are_rate_limited(tmp_path: Path, accounts: Any) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with serving_portal(tmp_path, url, accounts, download_limit=2) as stand:
        browser = sign_in(stand, "anna.berzina")
        codes = [browser.get(f"{stand.url}certificate",
                             params={"number": "2026/657781363680-LVA09"},
                             timeout=30).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_mykoob_signs_in_too(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina", provider="mykoob")
    page = browser.get(f"{stand.url}results", timeout=10)
    assert "Pieslēgts ar Mykoob" in page.text


def test_the_session_cookie_is_sealed(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    value = browser.cookies["vpis_portal"]
    padded = value + "=" * (-len(value) % 4)
    assert ANNA.encode() not in base64.urlsafe_b64decode(padded)
    assert ANNA not in value
    # one changed character and the session is gone
    forged = value[:-5] + ("A" if value[-5] != "A" else "B") + value[-4:]
    for cookie, status in ((value, 200), (forged, 302)):
        answer = requests.get(f"{stand.url}results", headers={"Cookie": f"vpis_portal={cookie}"},
                              allow_redirects=False, timeout=10)
        assert answer.status_code == status


def test_a_large_post_is_refused(stand: PortalStand) -> None:
    browser = requests.Session()
    token = csrf_of(browser.get(stand.url, timeout=10).text)
    answer = browser.post(f"{stand.url}login/eklase",
                          data={"csrf_token": token, "pad": "x" * 20000}, timeout=10)
    assert answer.status_code == 413
    assert "Content-Security-Policy" in answer.headers


def test_the_results_show_an_appeal_and_then_its_decision(stand: PortalStand) -> None:
    """RULES §13: the appeal's reference shows its decision to the student, on the portal too."""
    reference, number = "APL-2026-0000000C", "2026/147296056270-FRA09"
    with stand.engine.begin() as conn:
        conn.execute(insert(Appeal).values(
            reference=reference, document_number=number, requester_code=ANNA,
            subject_code=ANNA, role="student", text="t", status="open",
            created_at=datetime(2026, 11, 20, 9, tzinfo=UTC)))
    browser = sign_in(stand, "anna.berzina")
    page = browser.get(f"{stand.url}results", timeout=10).text
    assert f"Apelācija {reference}: iesniegta, vēl nav izlemta" in page
    assert "(Apelācijā)" in page

    import_document(stand.engine, {"appeals": [
        {"reference": reference, "decision": "rejected", "decided_on": "2026-11-25"}]})
    page = browser.get(f"{stand.url}results", timeout=10).text
    assert f"Apelācija {reference}: noraidīta 25.11.2026, rezultāts nemainās" in page
    assert "(Apelācijā)" not in page
    browser.get(f"{stand.url}lang/en", timeout=10)
    page = browser.get(f"{stand.url}results", timeout=10).text
    assert f"Appeal {reference}: rejected on 25.11.2026, the result stands" in page
