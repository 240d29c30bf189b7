"""The whole journey in a real browser (headless Chromium through Selenium), against the real
processes an operator runs: ``gateway serve`` (SOAP and /portal/) and ``gateway ejournal-sim``.

Portal page → "sign in with E-klase" → the e-journal's login form → the results table → the
certificate downloaded and checked with ``gateway verify`` → English → sign-out; and a 403 for
a non-Baltic client behind a trusted reverse proxy (a real HTTP proxy on 127.0.0.1 that
connects from 127.0.0.2 and forwards with an American X-Forwarded-For).

Screenshots go to ``$PORTAL_SCREENSHOTS`` when set (``docs/portal`` for the committed ones),
else to the test's temporary directory. In CI a missing Chromium fails the test.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.portal.countries import US_CLIENT, write_countries
from tests.stand import REPO, environment, free_port, gateway_process, process, run_cli

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PROXY_SOURCE = "127.0.0.2"
FRA09 = "2026/147296056270-FRA09"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        pytest.fail("chromium and chromium-driver are required in CI (scripts/system-packages)",
                    pytrace=False)
    pytest.skip("chromium / chromium-driver not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@dataclass
class BrowserStand:
    portal: str
    proxy: str
    env: dict[str, str]
    downloads: Path
    shots: Path


def _forwarding_proxy(target_port: int) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A reverse proxy that a foreign client stands behind."""

    class Forward(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=10,
                                                  source_address=(PROXY_SOURCE, 0))
            try:
                upstream.request("GET", self.path, headers={"X-Forwarded-For": US_CLIENT})
                answer = upstream.getresponse()
                body = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            finally:
                upstream.close()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/portal/"


@pytest.fixture(scope="module")
def stand(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserStand]:
    data_dir = tmp_path_factory.mktemp("browser")
    port, sim_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{port}/portal/"
    issuer = f"http://127.0.0.1:{sim_port}"
    providers = [{"name": "eklase", "title": "E-klase", "issuer": f"{issuer}/eklase"},
                 {"name": "mykoob", "title": "Mykoob", "issuer": f"{issuer}/mykoob"}]
    env = environment(
        data_dir, f"sqlite:///{data_dir / 'gateway.db'}",
        GATEWAY_PUBLIC_URL=f"http://127.0.0.1:{port}/",
        GATEWAY_PORTAL__PUBLIC_URL=portal,
        GATEWAY_PORTAL__SECURE_COOKIES="false",
        GATEWAY_PORTAL__SECRET_KEY="browser-test-secret-0123456789abcdef",  # noqa: S106
        GATEWAY_PORTAL__COUNTRY_DATABASE=str(write_countries(data_dir)),
        GATEWAY_PORTAL__TRUSTED_PROXIES=json.dumps([f"{PROXY_SOURCE}/32"]),
        GATEWAY_PORTAL__PROVIDERS=json.dumps(providers),
    )
    run_cli(env, "init")
    run_cli(env, "demo")
    # The gateway runs on the demo's clock (tests/stand.py), on which the demo's 2026 sessions
    # are inside the six months whatever the wall clock says.
    proxy, proxy_url = _forwarding_proxy(port)
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS") or data_dir / "shots")
    if not shots.is_absolute():
        shots = REPO / shots
    shots.mkdir(parents=True, exist_ok=True)
    downloads = data_dir / "downloads"
    downloads.mkdir()
    sim = process(["ejournal-sim", "--port", str(sim_port)], env,
                  f"{issuer}/eklase/.well-known/openid-configuration",
                  data_dir / "processes.log")
    try:
        with sim, gateway_process(env, port, data_dir):
            yield BrowserStand(portal, proxy_url, env, downloads, shots)
    finally:
        proxy.shutdown()
        proxy.server_close()


@pytest.fixture(scope="module")
def browser(stand: BrowserStand) -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1280,1000", "--lang=lv"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(stand.downloads),
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(stand.downloads)})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: WebDriver, stand: BrowserStand, name: str) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(700, min(int(height) + 140, 2400)))
    driver.save_screenshot(str(stand.shots / f"{name}.png"))


def wait_for_download(directory: Path, seconds: float = 30.0, suffix: str = ".edoc") -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in directory.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} in {directory} after {seconds} s")


def downloads_into(driver: WebDriver, directory: Path) -> Path:
    """Send the browser's next downloads to ``directory`` (made empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(directory)})
    return directory


def gateway_verify(stand: BrowserStand, path: Path) -> None:
    verified = subprocess.run([sys.executable, "-m", "gateway.cli", "verify", str(path)],
                              env=stand.env, cwd=REPO, text=True, capture_output=True,
                              timeout=60, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip().endswith(": valid")


def sign_in_with(browser: WebDriver, stand: BrowserStand, provider: str, login: str,
                 lands_on: str) -> None:
    """From the Latvian home page through the e-journal's form, until element ``lands_on``."""
    wait = WebDriverWait(browser, 30)
    browser.get(f"{stand.portal}lang/lv")
    browser.find_element(By.ID, f"login-{provider}").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "password")))
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys("demo")
    browser.find_element(By.ID, "submit").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, lands_on)))


def test_the_whole_journey(browser: WebDriver, stand: BrowserStand) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(stand.portal)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "lv"
    assert "Centralizēto eksāmenu rezultāti" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, stand, "home-lv")

    browser.find_element(By.ID, "login-eklase").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "password")))
    assert "E-klase" in browser.title
    browser.find_element(By.ID, "login").send_keys("anna.berzina")
    browser.find_element(By.ID, "password").send_keys("demo")
    shot(browser, stand, "ejournal-login")
    browser.find_element(By.ID, "submit").click()

    wait.until(expected_conditions.presence_of_element_located((By.ID, "window-note")))
    assert browser.current_url == f"{stand.portal}results"
    assert "140310" not in browser.current_url
    table = browser.find_element(By.CSS_SELECTOR, "table.results").text
    assert "Eksāmens franču valodā 9. klasei" in table and "m.g." not in table  # year: a column
    assert FRA09 in table and "Nokārtots" in table
    assert "6 mēnešu" in browser.find_element(By.ID, "window-note").text
    shot(browser, stand, "results-lv")

    browser.find_element(By.CSS_SELECTOR, f"a[href*='{FRA09}']").click()
    edoc = wait_for_download(stand.downloads)
    assert edoc.name == "2026-147296056270-FRA09.edoc"
    gateway_verify(stand, edoc)

    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(expected_conditions.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "My examination results"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Passed" in browser.find_element(By.CSS_SELECTOR, "table.results").text
    shot(browser, stand, "results-en")

    browser.find_element(By.ID, "logout").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "login-eklase")))
    assert "You have signed out." in browser.page_source
    browser.get(f"{stand.portal}results")
    assert browser.find_elements(By.ID, "login-eklase")  # back at the sign-in


def test_no_javascript_needed_and_keyboard_reachable(browser: WebDriver,
                                                     stand: BrowserStand) -> None:
    browser.get(stand.portal)
    assert browser.find_elements(By.TAG_NAME, "script") == []
    focused = []
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(6):
        body.send_keys("\ue004")  # Tab
        focused.append(browser.switch_to.active_element.get_attribute("id")
                       or browser.switch_to.active_element.text)
    assert "login-eklase" in focused and "login-mykoob" in focused


def test_a_foreign_client_gets_403(browser: WebDriver, stand: BrowserStand) -> None:
    browser.get(stand.proxy)
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Pakalpojums nav pieejams"
    assert "only from Latvia, Lithuania and Estonia" in browser.page_source
    assert not browser.find_elements(By.ID, "login-eklase")
    shot(browser, stand, "forbidden")
    status = http.client.HTTPConnection("127.0.0.1", int(stand.proxy.split(":")[2].split("/")[0]),
                                        timeout=10)
    status.request("GET", "/portal/")
    assert status.getresponse().status == 403
    status.close()


def test_a_not_passed_exam_in_the_browser(browser: WebDriver, stand: BrowserStand) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(f"{stand.portal}lang/lv")
    browser.find_element(By.ID, "login-mykoob").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "password")))
    assert "Mykoob" in browser.title
    browser.find_element(By.ID, "login").send_keys("uldis.silins")
    browser.find_element(By.ID, "password").send_keys("demo")
    browser.find_element(By.ID, "submit").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "window-note")))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    failed = [r for r in rows if "angļu valodā" in r.text]
    assert len(failed) == 1 and "Nav nokārtots" in failed[0].text
    assert not failed[0].find_elements(By.CSS_SELECTOR, "a.download")
    shot(browser, stand, "results-not-passed")
    browser.find_element(By.ID, "logout").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "login-eklase")))


def test_the_school_journey(browser: WebDriver, stand: BrowserStand) -> None:
    """A school administrator (RULES §12): sign in with E-klase, the graduates' certificates of
    the newest session, one .edoc, all as a ZIP, the VIIS report as .xlsx; every file checked."""
    wait = WebDriverWait(browser, 30)
    sign_in_with(browser, stand, "eklase", "cesvaine.admin", "certificates")
    assert browser.current_url == f"{stand.portal}school"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Skolas absolventu sertifikāti"
    assert "Cesvaines vidusskola, 4413900133" in browser.find_element(By.ID, "institution").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#certificates tbody tr")
    assert len(rows) == 8
    assert "Volkova, Irina" in rows[0].text and "Derīgs" in rows[0].text
    current = browser.find_element(By.CSS_SELECTOR, "#sessions a[aria-current='page']")
    assert current.text.startswith("2025./2026. · vidējā izglītība")
    shot(browser, stand, "school-lv")

    one = downloads_into(browser, stand.downloads / "school-one")
    rows[0].find_element(By.CSS_SELECTOR, "a.download").click()
    edoc = wait_for_download(one)
    assert edoc.name.startswith("2026-") and edoc.name.endswith("-BIO.edoc")
    gateway_verify(stand, edoc)

    archive_dir = downloads_into(browser, stand.downloads / "school-zip")
    browser.find_element(By.ID, "download-zip").click()
    archive = wait_for_download(archive_dir, 120, ".zip")
    assert archive.name == "4413900133-2026-V-sertifikati.zip"
    with zipfile.ZipFile(archive) as opened:
        assert opened.testzip() is None
        names = opened.namelist()
        opened.extractall(archive_dir / "entries")
    assert len(names) == 8
    for name in names:
        gateway_verify(stand, archive_dir / "entries" / name)

    report_dir = downloads_into(browser, stand.downloads / "school-report")
    assert browser.find_element(By.ID, "report-education").get_attribute("value") == "secondary"
    browser.find_element(By.ID, "download-report").click()
    workbook = wait_for_download(report_dir, 60, ".xlsx")
    assert workbook.name.startswith("VIIS-4413900133-secondary-")
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    rows_read = list(sheet.iter_rows(values_only=True))
    assert rows_read[0][0] == "Reflektantu un absolventu eksāmenu un pārbaudījumu rezultāti"
    assert "Volkova" in {row[2] for row in rows_read[8:] if row and len(row) > 2}

    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(expected_conditions.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "School graduates' certificates"))
    shot(browser, stand, "school-en")
    browser.find_element(By.ID, "logout").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "login-eklase")))


def test_a_student_gets_no_school_page_in_the_browser(browser: WebDriver,
                                                      stand: BrowserStand) -> None:
    wait = WebDriverWait(browser, 20)
    sign_in_with(browser, stand, "eklase", "anna.berzina", "window-note")
    assert not browser.find_elements(By.ID, "school-link")
    browser.get(f"{stand.portal}school")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tikai skolu administratoriem"
    assert not browser.find_elements(By.ID, "certificates")
    shot(browser, stand, "school-refused")
    browser.get(f"{stand.portal}results")
    browser.find_element(By.ID, "logout").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "login-eklase")))
