"""Baltic only (RULES §11), over the wire: a client address from a trusted proxy's
X-Forwarded-For, a forged header from an untrusted address ignored, LV/EN 403 page."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.portal.conftest import PortalStand, serving_portal
from tests.portal.countries import DE_CLIENT, EE_CLIENT, LT_CLIENT, UNKNOWN_CLIENT, US_CLIENT

TRUSTED_PROXY = "127.0.0.2"  # configured in the stand's trusted_proxies
UNTRUSTED = "127.0.0.3"


def get(stand: PortalStand, source: str, forwarded: str | None) -> tuple[int, str, dict[str, str]]:
    url = urlsplit(stand.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10,
                                      source_address=(source, 0))
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    try:
        conn.request("GET", url.path, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read().decode(), dict(answer.getheaders())
    finally:
        conn.close()


@pytest.mark.parametrize(("forwarded", "status"), [
    (LT_CLIENT, 200),
    (EE_CLIENT, 200),
    (US_CLIENT, 403),
    (DE_CLIENT, 403),
    (UNKNOWN_CLIENT, 403),
    ("not-an-address", 403),
    (f"{US_CLIENT}, {LT_CLIENT}", 200),  # the rightmost untrusted hop is the client
    (f"{LT_CLIENT}, {US_CLIENT}", 403),  # a client cannot prepend a Baltic address
    (f"{US_CLIENT}, {TRUSTED_PROXY}", 403),  # trusted hops are skipped
])
def test_trusted_proxy_forwarding(stand: PortalStand, forwarded: str, status: int) -> None:
    code, body, headers = get(stand, TRUSTED_PROXY, forwarded)
    assert code == status
    if status == 403:
        assert "Šis pakalpojums pieejams tikai no Latvijas, Lietuvas un Igaunijas." in body
        assert "This service is available only from Latvia, Lithuania and Estonia." in body
        assert "Pieslēgties ar" not in body  # never the log-in
        assert "Content-Security-Policy" in headers


def test_forged_header_from_an_untrusted_address_is_ignored(stand: PortalStand) -> None:
    # 127.0.0.3 is Latvian in the test database; its header claiming Lithuania or the US
    # changes nothing either way
    assert get(stand, UNTRUSTED, US_CLIENT)[0] == 200
    assert get(stand, UNTRUSTED, LT_CLIENT)[0] == 200


def test_foreign_clients_get_no_sign_in(stand: PortalStand) -> None:
    for path in ("", "login/eklase", "callback/eklase?code=x&state=y", "results",
                 "certificate?number=2026/147296056270-FRA09", "lang/en"):
        url = urlsplit(stand.url)
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10,
                                          source_address=(TRUSTED_PROXY, 0))
        try:
            conn.request("GET", url.path + path, headers={"X-Forwarded-For": US_CLIENT})
            assert conn.getresponse().status == 403
        finally:
            conn.close()


def test_the_public_verification_page_is_open_to_every_country(stand: PortalStand) -> None:
    """RULES §14: the Baltic-only rule is for the student portal, not for verification."""
    url = urlsplit(stand.url)
    for path in ("verify", "verify?number=2026/147296056270-FRA09&lang=en"):
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10,
                                          source_address=(TRUSTED_PROXY, 0))
        try:
            conn.request("GET", url.path + path, headers={"X-Forwarded-For": US_CLIENT})
            answer = conn.getresponse()
            body = answer.read().decode()
            assert answer.status == 200 and 'id="verify-form"' in body
            assert "sign_in" not in body and "/login/" not in body
        finally:
            conn.close()


def test_the_stylesheet_is_served_to_anyone(stand: PortalStand) -> None:
    url = urlsplit(stand.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10,
                                      source_address=(TRUSTED_PROXY, 0))
    try:
        conn.request("GET", url.path + "static/portal.css", headers={"X-Forwarded-For": US_CLIENT})
        answer = conn.getresponse()
        assert answer.status == 200 and b"--carmine" in answer.read()
    finally:
        conn.close()


def test_without_a_country_database_everyone_is_refused(tmp_path: Path, accounts: Any) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with serving_portal(tmp_path, url, accounts, country_database=tmp_path / "missing") as stand:
        assert get(stand, "127.0.0.1", None)[0] == 403
