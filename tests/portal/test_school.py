"""The school route over HTTP (RULES §12, §5, §6, §7, §13): a school administrator signed in
through the e-journal simulator lists the school's graduates' certificates of a published
session, downloads one ``.edoc`` or all as a streamed ZIP, and the VIIS report as ``.xlsx``;
nobody else gets any of it. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import openpyxl
import pytest
import requests
from sqlalchemy import select

from gateway.demo.corrections import demo_document
from gateway.domain.age import riga_date
from gateway.domain.personal_code import parse_personal_code
from gateway.services.access_log import Period, access_log
from gateway.services.report import institution_results
from gateway.signing.keys import pinned_ca_file
from gateway.store.importer import import_document
from gateway.store.models import AuditRecord, AuditSubject
from tests.portal.conftest import PortalStand, serving_portal, sign_in

CESVAINE = "4413900133"
CESVAINE_ADMIN = "12037814517"  # cesvaine.admin in gateway/demo/data/ejournal-staff.json
CESVAINE_2026_V = {  # the eight certificates of Cesvaines vidusskola's 2026 secondary session
    "2026/677175546404-BIO", "2026/509978090040-LVA", "2026/410018487248-MAT",
    "2026/546208967358-VAC", "2026/814107621192-ANG", "2026/952936947914-KIM",
    "2026/402062203268-LVA", "2026/188049545884-MAT",
}
CESVAINE_GRADUATES_2026_V = {"18040726662", "05110722850"}  # Irina Volkova, Emīls Šteins
DAUGAVPILS = "2713900215"
RIGA_2 = "3013900161"  # Rīgas Valsts 2. ģimnāzija: the demo corrections are its 2025-V
ANNA_CERTIFICATE = "2026/147296056270-FRA09"  # Anna's, a Cesvaine student
REZEKNE_CERTIFICATE = "2026/121149106774-ANG"  # a 2026-V graduate of Rēzeknes Valsts 1. ģimn.


def audit_rows(stand: PortalStand, service: str) -> list[Any]:
    with stand.engine.connect() as conn:
        return list(conn.execute(
            select(AuditRecord).where(AuditRecord.service == service).order_by(AuditRecord.id)))


def audit_subjects(stand: PortalStand, record_id: int) -> set[str]:
    with stand.engine.connect() as conn:
        return set(conn.scalars(select(AuditSubject.subject_code)
                                .where(AuditSubject.audit_id == record_id)))


def numbers_on(page: str) -> set[str]:
    return set(re.findall(r'<span class="number">([^<]+)<', page))


def ca_of(stand: PortalStand) -> Path:
    ca = pinned_ca_file(stand.runtime.settings.signing, stand.runtime.settings.data_dir)
    assert ca is not None
    return ca


def gateway_verify(path: Path, ca: Path) -> subprocess.CompletedProcess[str]:
    """The operator's independent check: ``gateway verify FILE --ca CA`` as a process."""
    return subprocess.run([sys.executable, "-m", "gateway.cli", "verify", str(path),
                           "--ca", str(ca)], capture_output=True, text=True, timeout=120,
                          check=False, cwd=path.parent)


def test_school_admin_sees_own_graduates_of_the_newest_session(stand: PortalStand) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    page = browser.get(f"{stand.url}school", timeout=10)
    assert page.status_code == 200
    assert "Skolas absolventu sertifikāti" in page.text
    assert f"Cesvaines vidusskola, {CESVAINE}" in page.text
    assert numbers_on(page.text) == CESVAINE_2026_V
    assert "Volkova, Irina" in page.text and "Šteins, Emīls" in page.text
    assert "180407-26662" in page.text
    assert "Lejupielādēt visus kā ZIP (8)" in page.text
    # the sessions are the school's published ones only
    sessions = set(re.findall(r"session=([0-9]{4}-[PV])", page.text))
    assert sessions == {"2026-V", "2026-P", "2024-P", "2023-P", "2022-P"}
    # the page view is audited: the staff member asked, the graduates shown are its subjects
    (record,) = audit_rows(stand, "portal.school.list")
    assert record.requester_code == CESVAINE_ADMIN
    assert record.subject_code is None
    assert record.client == stand.settings.audit_client
    assert (record.outcome, record.reason) == ("allowed", "school_staff")
    assert set(record.documents) == CESVAINE_2026_V
    assert audit_subjects(stand, record.id) == CESVAINE_GRADUATES_2026_V


def test_another_session_of_the_school(stand: PortalStand) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    page = browser.get(f"{stand.url}school", params={"session": "2023-P"}, timeout=10)
    assert page.status_code == 200
    shown = numbers_on(page.text)
    assert len(shown) == 5 and all(n.startswith("2023/") for n in shown)


@pytest.mark.parametrize("params", [
    {"institution": DAUGAVPILS},  # another school's
    {"institution": "0"},  # nobody's
    {"session": "2025-V"},  # a session without this school's certificates
    {"session": "2010-P"},  # one before any certificate
    {"session": "NOPE"},
])
def test_another_schools_data_is_not_found(stand: PortalStand, params: dict[str, str]) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    page = browser.get(f"{stand.url}school", params=params, timeout=10)
    assert page.status_code == 404
    assert "class=\"number\"" not in page.text
    archive = browser.get(f"{stand.url}school/certificates.zip",
                          params=dict({"session": "2026-V"}, **params), timeout=10)
    assert archive.status_code == 404
    assert archive.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("number", [REZEKNE_CERTIFICATE, "2022/000000000000-NOPE", ""])
def test_a_certificate_not_of_the_school_is_not_found(stand: PortalStand, number: str) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    answer = browser.get(f"{stand.url}school/certificate", params={"number": number}, timeout=10)
    assert answer.status_code == 404
    assert "asic" not in answer.headers["Content-Type"]
    (record,) = audit_rows(stand, "portal.school.certificate")
    assert (record.outcome, record.reason) == ("refused", "DocumentNotFound")
    assert record.requester_code == CESVAINE_ADMIN and record.subject_code is None


def test_an_unpublished_session_does_not_exist_for_the_school(stand: PortalStand) -> None:
    browser = sign_in(stand, "daugavpils.admin", lands="school")
    page = browser.get(f"{stand.url}school", timeout=10)
    assert page.status_code == 200
    assert "2027-P" not in page.text and "2026/2027" not in page.text
    assert browser.get(f"{stand.url}school", params={"session": "2027-P"},
                       timeout=10).status_code == 404
    # a second before the publication instant (1 July 2027, 08:00 Riga) still nothing; then it is
    stand.runtime.clock = lambda: datetime(2027, 7, 1, 4, 59, 59, tzinfo=UTC)
    assert browser.get(f"{stand.url}school", params={"session": "2027-P"},
                       timeout=10).status_code == 404
    stand.runtime.clock = lambda: datetime(2027, 7, 1, 5, 0, tzinfo=UTC)
    later = browser.get(f"{stand.url}school", params={"session": "2027-P"}, timeout=10)
    assert later.status_code == 200
    assert len(numbers_on(later.text)) == 3


def test_a_student_gets_no_school_page(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    results = browser.get(f"{stand.url}results", timeout=10)
    assert "school-link" not in results.text
    for path, params in (("school", {}), ("school/certificates.zip", {"session": "2026-V"}),
                         ("school/certificate", {"number": ANNA_CERTIFICATE}),
                         ("school/report.xlsx", {"date": "2026-11-28",
                                                 "education": "secondary"})):
        answer = browser.get(f"{stand.url}{path}", params=dict(params, institution=CESVAINE),
                             timeout=10)
        assert answer.status_code == 403, path
        assert "Tikai skolu administratoriem" in answer.text
    assert not audit_rows(stand, "portal.school.list")
    assert not audit_rows(stand, "portal.school.report")


def test_without_sign_in_the_school_page_sends_home(stand: PortalStand) -> None:
    for path in ("school", "school/certificates.zip", "school/report.xlsx",
                 "school/certificate"):
        answer = requests.get(f"{stand.url}{path}", params={"institution": CESVAINE},
                              allow_redirects=False, timeout=10)
        assert answer.status_code == 302
        assert answer.headers["Location"].endswith("/portal/")


def test_one_certificate_is_the_sealed_edoc_and_audited(stand: PortalStand,
                                                        tmp_path: Path) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    number = "2026/814107621192-ANG"
    answer = browser.get(f"{stand.url}school/certificate", params={"number": number},
                         timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/vnd.etsi.asic-e+zip"
    assert 'filename="2026-814107621192-ANG.edoc"' in answer.headers["Content-Disposition"]
    path = tmp_path / "one.edoc"
    path.write_bytes(answer.content)
    checked = gateway_verify(path, ca_of(stand))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # the same bytes EP226 and the student's portal serve: sealed once, stored
    assert stand.runtime.issuer.edoc(stand.engine, number) == answer.content
    assert stand.runtime.issuer.counters.sealed == 1
    (record,) = audit_rows(stand, "portal.school.certificate")
    assert record.requester_code == CESVAINE_ADMIN
    assert record.subject_code == "05110722850"
    assert (record.outcome, record.reason, record.documents) == (
        "allowed", "school_staff", [number])


def test_zip_streams_every_certificate_each_verified(stand: PortalStand,
                                                    tmp_path: Path) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    assert browser.get(f"{stand.url}school", timeout=10).status_code == 200
    answer = browser.get(f"{stand.url}school/certificates.zip", params={"session": "2026-V"},
                         timeout=120, stream=True)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/zip"
    assert f'filename="{CESVAINE}-2026-V-sertifikati.zip"' in answer.headers[
        "Content-Disposition"]
    assert "Content-Length" not in answer.headers  # streamed, not built whole first
    body = b"".join(answer.iter_content(64 * 1024))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(f"{n.replace('/', '-')}.edoc" for n in CESVAINE_2026_V)
        archive.extractall(tmp_path / "zip")
    ca = ca_of(stand)
    for name in names:
        checked = gateway_verify(tmp_path / "zip" / name, ca)
        assert checked.returncode == 0, name + checked.stdout + checked.stderr
    # one audit record per document, each naming the graduate it belongs to
    records = audit_rows(stand, "portal.school.zip")
    assert sorted(d for r in records for d in r.documents) == sorted(CESVAINE_2026_V)
    assert all(len(r.documents) == 1 for r in records)
    assert {r.subject_code for r in records} == CESVAINE_GRADUATES_2026_V
    assert {(r.requester_code, r.outcome, r.reason) for r in records} == {
        (CESVAINE_ADMIN, "allowed", "school_staff")}
    # the graduate sees it in "who looked at my data" (RULES §13) as a school, unnamed
    emils = parse_personal_code("05110722850")
    today = riga_date(stand.runtime.clock())
    seen = access_log(stand.runtime.access, stand.runtime.settings.client_kinds, emils, emils,
                      Period(today, today), stand.runtime.clock()).entries
    by_school = [e for e in seen if e.service == "portal.school.zip"]
    assert len(by_school) == 4  # his four certificates
    assert {(e.accessor, e.accessor_name, e.outcome) for e in by_school} == {
        ("school", None, "allowed")}
    assert any(e.service == "portal.school.list" and e.accessor == "school" for e in seen)


def test_superseded_and_revoked_are_listed_not_handed_out(stand: PortalStand) -> None:
    import_document(stand.engine, demo_document())  # VISC's corrections (RULES §13)
    revoked, superseded = "2025/187606332719-ANG", "2025/345016345164-BIO"
    browser = sign_in(stand, "riga.admin", lands="school")
    page = browser.get(f"{stand.url}school",
                       params={"institution": RIGA_2, "session": "2025-V"}, timeout=10)
    assert page.status_code == 200
    shown = numbers_on(page.text)
    assert {revoked, superseded, "2026/345016345164-BIO-1"} <= shown
    assert "Atsaukts" in page.text and "Aizstāts" in page.text
    for number in (revoked, superseded):
        assert f"number={number.replace('/', '%2F')}" not in page.text
        answer = browser.get(f"{stand.url}school/certificate",
                             params={"institution": RIGA_2, "number": number}, timeout=10)
        assert answer.status_code == 404
    archive = browser.get(f"{stand.url}school/certificates.zip",
                          params={"institution": RIGA_2, "session": "2025-V"}, timeout=120)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        names = set(opened.namelist())
    assert len(names) == len(shown) - 2
    assert f"{revoked.replace('/', '-')}.edoc" not in names
    assert f"{superseded.replace('/', '-')}.edoc" not in names


def test_an_administrator_of_two_schools_switches_between_them(stand: PortalStand) -> None:
    browser = sign_in(stand, "riga.admin", lands="school")
    first = browser.get(f"{stand.url}school", timeout=10)
    assert "Rīgas Valsts 1. ģimnāzija, 3013900034" in first.text
    # the switcher names each school, not only its code (issue 24)
    assert ('aria-current="page">Rīgas Valsts 1. ģimnāzija <span class="code">3013900034<'
            in first.text)
    assert f'Rīgas Valsts 2. ģimnāzija <span class="code">{RIGA_2}<' in first.text
    second = browser.get(f"{stand.url}school", params={"institution": RIGA_2}, timeout=10)
    assert second.status_code == 200
    assert f"Rīgas Valsts 2. ģimnāzija, {RIGA_2}" in second.text
    assert numbers_on(first.text).isdisjoint(numbers_on(second.text))


def test_the_report_is_the_rules_selection(stand: PortalStand) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    answer = browser.get(f"{stand.url}school/report.xlsx",
                         params={"date": "2026-11-28", "education": "secondary"}, timeout=60)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="VIIS-4413900133-secondary-2026-11-28.xlsx"' in answer.headers[
        "Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reflektantu un absolventu eksāmenu un pārbaudījumu rezultāti"
    assert ("Izglītības iestāde", f"Cesvaines vidusskola, {CESVAINE}") == rows[2][:2]
    expected = institution_results(stand.engine, CESVAINE, "secondary",
                                   riga_date(stand.runtime.clock()), stand.runtime.clock())
    data = [r for r in rows[8:] if r and r[0]]
    assert len(data) == len(expected.rows) > 0
    assert {str(r[0]).replace("-", "") for r in data} == set(expected.subjects)
    (record,) = audit_rows(stand, "portal.school.report")
    assert (record.requester_code, record.reason) == (CESVAINE_ADMIN, "school_staff")
    assert audit_subjects(stand, record.id) == set(expected.subjects)


@pytest.mark.parametrize("params", [
    {"date": "", "education": "secondary"},
    {"date": "2026-13-01", "education": "secondary"},
    {"date": "1899-01-01", "education": "basic"},
    {"date": "2026-11-28", "education": "tertiary"},
    {"date": "2026-11-28"},
    {"date": "2026-11-28", "education": "basic", "institution": DAUGAVPILS},
])
def test_report_parameters_are_checked(stand: PortalStand, params: dict[str, str]) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    answer = browser.get(f"{stand.url}school/report.xlsx", params=params, timeout=10)
    assert answer.status_code in (400, 404)
    assert answer.headers["Content-Type"].startswith("text/html")
    assert not audit_rows(stand, "portal.school.report")


def session_buttons(page: str) -> list[str]:
    nav = page.split('id="sessions"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav)
    return [re.sub(r"<[^>]+>", "", html.unescape(link)) for link in links]


@pytest.mark.parametrize("account", ["cesvaine.admin", "riga.admin"])
def test_every_session_button_says_which_session_it_is(stand: PortalStand, account: str) -> None:
    """Two sessions of one school year and level had identical buttons (issue 24)."""
    browser = sign_in(stand, account, lands="school")
    for institution in (CESVAINE,) if account == "cesvaine.admin" else (RIGA_2, "3013900034"):
        page = browser.get(f"{stand.url}school", params={"institution": institution}, timeout=10)
        buttons = session_buttons(page.text)
        assert buttons and len(set(buttons)) == len(buttons), buttons


def test_the_language_switch_keeps_the_school_and_session(stand: PortalStand) -> None:
    browser = sign_in(stand, "riga.admin", lands="school")
    page = browser.get(f"{stand.url}school", params={"institution": RIGA_2, "session": "2025-V"},
                       timeout=10)
    assert (f'lang/en?next=school&amp;institution={RIGA_2}&amp;session=2025-V"' in page.text)
    switched = browser.get(f"{stand.url}lang/en", params={
        "next": "school", "institution": RIGA_2, "session": "2025-V"},
        allow_redirects=False, timeout=10)
    assert switched.headers["Location"].endswith(
        f"/portal/school?institution={RIGA_2}&session=2025-V")
    english = browser.get(urljoin(stand.url, switched.headers["Location"]), timeout=10)
    assert f"Rīgas Valsts 2. ģimnāzija</span>, {RIGA_2}" in english.text
    assert "2025-V" in english.text.split('id="graduates"', 1)[1].split("</h2>", 1)[0]
    # only the page's own parameters, cut to their length; never an address of elsewhere
    odd = browser.get(f"{stand.url}lang/lv", params={
        "next": "school", "institution": "x" * 50, "other": "https://evil.example/"},
        allow_redirects=False, timeout=10)
    assert odd.headers["Location"].endswith(f"/portal/school?institution={'x' * 20}")


def test_the_report_date_is_written_as_iso_whatever_the_browsers_locale(
    stand: PortalStand
) -> None:
    """A date input shows the browser's locale (11/28/2026); the form asks for 2026-11-28."""
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    page = browser.get(f"{stand.url}school", timeout=10)
    field = re.search(r'<input [^>]*id="report-date"[^>]*>', page.text, re.S)
    assert field is not None
    assert 'type="text"' in field.group() and 'type="date"' not in field.group()
    assert 'pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"' in field.group()
    assert 'value="2026-11-28"' in field.group()
    assert "formā GGGG-MM-DD" in page.text


def test_school_page_in_english(stand: PortalStand) -> None:
    browser = sign_in(stand, "cesvaine.admin", lands="school")
    switched = browser.get(f"{stand.url}lang/en", params={"next": "school"},
                           allow_redirects=False, timeout=10)
    assert switched.headers["Location"].endswith("/portal/school")
    page = browser.get(f"{stand.url}school", timeout=10)
    assert "School graduates' certificates" in html.unescape(page.text)
    assert "Download all as ZIP (8)" in page.text
    assert '<html lang="en">' in page.text
    # Latvian names on an English page are marked as Latvian (issue 24)
    assert '<span lang="lv">Cesvaines vidusskola</span>, 4413900133' in page.text
    assert re.search(r'<th scope="row"><span lang="lv">[^<]+</span>, <span lang="lv">', page.text)


def test_school_downloads_are_rate_limited(tmp_path: Path, accounts: Any) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with serving_portal(tmp_path, url, accounts, school_download_limit=2) as stand:
        browser = sign_in(stand, "cesvaine.admin", lands="school")
        one = browser.get(f"{stand.url}school/certificate",
                          params={"number": "2026/814107621192-ANG"}, timeout=30)
        archive = browser.get(f"{stand.url}school/certificates.zip",
                              params={"session": "2026-P"}, timeout=60)
        third = browser.get(f"{stand.url}school/certificate",
                            params={"number": "2026/814107621192-ANG"}, timeout=30)
        again = browser.get(f"{stand.url}school/certificates.zip",
                            params={"session": "2026-P"}, timeout=60)
        assert [one.status_code, archive.status_code, third.status_code,
                again.status_code] == [200, 200, 429, 429]
        assert len(audit_rows(stand, "portal.school.certificate")) == 1
        assert len(audit_rows(stand, "portal.school.zip")) == 3  # 2026-P's three certificates
