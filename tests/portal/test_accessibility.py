"""Pages a screen reader can use (labels, one h1, language, table headers) and colours with
WCAG 2.1 AA contrast (4.5:1 for text), measured from the stylesheet itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from lxml import html

from gateway.portal import app as portal_app
from tests.portal.conftest import PortalStand, sign_in

CSS = Path(portal_app.__file__).parent / "static" / "portal.css"


def check_page(text: str, lang: str) -> None:
    tree = html.fromstring(text)
    assert tree.get("lang") == lang
    assert len(tree.findall(".//h1")) == 1
    assert tree.findall(".//title")[0].text_content().strip()
    assert tree.findall(".//script") == []
    labels = {label.get("for") for label in tree.iter("label")}
    for field in tree.iter("input", "select", "textarea"):
        if field.get("type") != "hidden":
            assert field.get("id") in labels or field.get("aria-label"), html.tostring(field)
    for button in tree.iter("button"):
        assert button.text_content().strip()
    for link in tree.iter("a"):
        assert link.text_content().strip() or link.get("aria-label")
    for header in tree.xpath("//table//th"):
        assert header.get("scope") in ("col", "row")
    assert tree.xpath("//a[@class='skip' and @href='#main']") and tree.xpath("//main[@id='main']")


def test_pages_are_structured_for_screen_readers(stand: PortalStand) -> None:
    browser = requests.Session()
    check_page(browser.get(stand.url, timeout=10).text, "lv")
    check_page(browser.get(f"{stand.url}lang/en", timeout=10).text, "en")
    sign_in(stand, "uldis.silins", session=browser)
    check_page(browser.get(f"{stand.url}results", timeout=10).text, "en")
    check_page(browser.get(f"{stand.url}nothing", timeout=10).text, "en")


def test_the_school_page_is_structured_for_screen_readers(stand: PortalStand) -> None:
    browser = sign_in(stand, "riga.admin", lands="school")
    check_page(browser.get(f"{stand.url}school", timeout=10).text, "lv")
    browser.get(f"{stand.url}lang/en", timeout=10)
    check_page(browser.get(f"{stand.url}school", timeout=10).text, "en")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


PALETTE = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", CSS.read_text()))


@pytest.mark.parametrize(("text", "background"), [
    ("ink", "paper"), ("ink", "mist"), ("muted", "paper"), ("muted", "mist"),
    ("#ffffff", "carmine"), ("#ffffff", "carmine-dark"), ("carmine-dark", "paper"),
    ("carmine-dark", "#fbeeee"), ("#1e5e20", "paper"), ("ink", "#eef5ee"),
])
def test_text_colours_have_aa_contrast(text: str, background: str) -> None:
    def colour(name: str) -> str:
        return name if name.startswith("#") else PALETTE[name]

    assert contrast(colour(text), colour(background)) >= 4.5
