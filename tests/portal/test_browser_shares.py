"""Sharing a certificate in real browsers (RULES §14): headless Chromium through Selenium
against ``gateway serve`` and ``gateway ejournal-sim``, as in ``test_browser.py``.

The student (Emīls Šteins) makes a share on the portal; a second browser, with no session and
in another country (behind the trusted proxy, an American address), follows the share's link
to ``/verify``, verifies without any personal code, in Latvian and English; the QR code on the
screen is read back with zbarimg. The student sees the verification on their shares page and in
their access log, revokes the share, and the same code is "not found"; two more wrong codes and
the verifier is blocked, with a page that says so in Latvian and English.

Screenshots: ``$PORTAL_SCREENSHOTS`` (``docs/portal`` for the committed ones), as test_browser.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.portal.test_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    BrowserStand,
    browser,
    shot,
    sign_in_with,
    stand,
)

__all__ = ["browser", "stand"]  # the module's fixtures, shared with test_browser.py


@pytest.fixture(scope="module")
def second_browser() -> Iterator[WebDriver]:
    """Another browser: its own profile, no cookies, nobody signed in."""
    profile = tempfile.mkdtemp(prefix="chromium-verifier-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1280,900", "--lang=lv"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def qr_on_screen(stand: BrowserStand, name: str) -> list[str]:
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable=1",
                           str(stand.shots / f"{name}.png")], capture_output=True, text=True,
                          timeout=60, check=False)
    return done.stdout.splitlines()


def verify_in(driver: WebDriver, code: str | None = None) -> str:
    """Press "verify" (typing ``code`` first when given); the result's status."""
    if code is not None:
        field = driver.find_element(By.ID, "code")
        field.clear()
        field.send_keys(code)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "verify").click()
    # the answer, not the form's page; while the old page is torn down chromium may answer
    # "Node with given id does not belong to the document" instead of "stale": asked again
    wait = WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,))
    wait.until(expected_conditions.staleness_of(page))
    wait.until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
    found = driver.find_elements(By.ID, "verify-result")
    return found[0].get_attribute("data-status") or "" if found else ""


def test_share_verify_see_and_revoke_in_two_browsers(browser: WebDriver,
                                                     second_browser: WebDriver,
                                                     stand: BrowserStand) -> None:
    wait = WebDriverWait(browser, 30)
    sign_in_with(browser, stand, "eklase", "emils.steins", "window-note")
    browser.find_element(By.ID, "shares-link").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "share-form")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kopīgot sertifikātu"
    assert "Jums vēl nav kopīgojumu." in browser.page_source
    shot(browser, stand, "shares-lv")

    browser.find_element(By.ID, "create-share").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "share-made")))
    code = browser.find_element(By.ID, "share-code").text
    link = browser.find_element(By.ID, "share-link").text
    number = link.split("number=")[1].split("&")[0].replace("%2F", "/")
    assert len(code) == 23 and link.startswith(stand.portal.replace("portal/", "verify?"))
    shot(browser, stand, "share-made-lv")
    assert qr_on_screen(stand, "share-made-lv") == [link]  # the QR on the screen holds the link

    # the verifier: another browser, another country (the trusted proxy's American client)
    root = stand.proxy.removesuffix("portal/")
    verifier = second_browser
    verifier.get(root + link.split("/", 3)[3])
    assert "/portal/verify?" in verifier.current_url
    assert verifier.find_element(By.ID, "code").get_attribute("value") == code
    shot(verifier, stand, "verify-lv")
    assert verify_in(verifier) == "valid"
    text = verifier.find_element(By.ID, "verify-result").text
    assert "Derīgs" in text and "Emīls Šteins" in text and "2025./2026." in text
    assert "051107" not in verifier.page_source
    shot(verifier, stand, "verify-valid-lv")
    verifier.find_element(By.CSS_SELECTOR, "a.lang").click()
    WebDriverWait(verifier, 20).until(expected_conditions.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Certificate verification"))
    assert verify_in(verifier, code.lower()) == "valid"
    assert "Valid" in verifier.find_element(By.ID, "verify-result").text
    shot(verifier, stand, "verify-valid-en")

    browser.get(f"{stand.portal}shares")
    use = browser.find_element(By.CSS_SELECTOR, "tr.share li.use").text
    assert "public page (US)" in use
    shot(browser, stand, "shares-used-lv")
    browser.get(f"{stand.portal}access-log")
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tr.access")]
    assert any("portal.verify" in r and "public page (US)" in r
               and "Sertifikāta pārbaudītājs" in r for r in rows)
    shot(browser, stand, "access-log-verification-lv")

    browser.get(f"{stand.portal}shares")
    browser.find_element(By.CSS_SELECTOR, "button.revoke").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "revoked-note")))
    assert browser.find_element(By.CSS_SELECTOR, "tr.share").get_attribute(
        "data-state") == "revoked"
    shot(browser, stand, "share-revoked-lv")

    verifier.get(f"{stand.proxy}verify?number={number}&lang=lv")
    assert verify_in(verifier, code) == "not_found"
    shot(verifier, stand, "verify-not-found-lv")
    for wrong in ("AAAAAAA-BBBBBBB-CCCCCCC", "AAAAAAA-BBBBBBB-CCCCCCD"):
        assert verify_in(verifier, wrong) == "not_found"
    assert verify_in(verifier, code) == ""
    assert "Pārbaudes uz laiku liegtas" in verifier.page_source
    assert "24 hours" in verifier.page_source
    shot(verifier, stand, "verify-blocked")
    browser.find_element(By.ID, "logout").click()
