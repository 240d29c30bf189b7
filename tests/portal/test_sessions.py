"""Portal sessions end on the server (issue 23; OWASP ASVS v5 V7): sign-out, the idle timeout
and the absolute lifetime end a session for every copy of its cookie, and each sign-in starts a
new session id."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

import gateway.portal.web as portal_web
from gateway.store import sessions
from gateway.store.models import PortalSession
from tests.portal.conftest import PortalStand, csrf_of, sign_in


def _copy(browser: requests.Session) -> requests.Session:
    thief = requests.Session()
    thief.cookies.update(browser.cookies)
    return thief


def _lands_home(browser: requests.Session, stand: PortalStand) -> None:
    answer = browser.get(f"{stand.url}results", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(("/portal/", "/portal/?expired=1"))


def _set_cookie(answer: requests.Response) -> str | None:
    """The session cookie a response sets, read from its header as sent."""
    header = answer.headers.get("Set-Cookie", "")
    name, _, rest = header.partition("=")
    return rest.split(";", 1)[0] if name == "vpis_portal" else None


def _live_sessions(stand: PortalStand) -> int:
    with stand.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(PortalSession)) or 0)


def test_a_cookie_copied_before_sign_out_is_dead_after_it(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    thief = _copy(browser)
    assert thief.get(f"{stand.url}results", allow_redirects=False, timeout=10).status_code == 200
    page = browser.get(f"{stand.url}results", timeout=10)
    out = browser.post(f"{stand.url}logout", data={"csrf_token": csrf_of(page.text)},
                       allow_redirects=False, timeout=10)
    assert out.status_code == 302
    followed = thief.get(f"{stand.url}results", timeout=10)
    assert followed.url.endswith("/portal/?expired=1")
    assert "Sesija beigusies" in followed.text
    assert _live_sessions(stand) == 0


def test_each_sign_in_is_a_new_session(stand: PortalStand) -> None:
    browser = sign_in(stand, "anna.berzina")
    first = _copy(browser)
    sign_in(stand, "anna.berzina", session=browser)  # again, in the same browser
    assert browser.get(f"{stand.url}results", allow_redirects=False, timeout=10
                       ).status_code == 200
    _lands_home(first, stand)  # the earlier session's id no longer counts
    assert _live_sessions(stand) == 1


def test_an_active_session_ends_at_its_absolute_lifetime(
        stand: PortalStand, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request every 14 minutes keeps the session from idling; two hours after sign-in it
    ends all the same. (The cookie is carried by hand: the client's cookie jar would read the
    moved clock too and drop it by its own expiry.)"""
    cookie = sign_in(stand, "anna.berzina").cookies["vpis_portal"]
    start = time.time()
    step = (stand.settings.session_minutes - 1) * 60  # always within the idle timeout

    def results_at(moment: float) -> requests.Response:
        monkeypatch.setattr(portal_web.time, "time", lambda: moment)
        return requests.get(f"{stand.url}results", cookies={"vpis_portal": cookie},
                            allow_redirects=False, timeout=10)

    elapsed = step
    while elapsed < stand.settings.session_max_minutes * 60:
        answer = results_at(start + elapsed)
        assert answer.status_code == 200, elapsed
        cookie = _set_cookie(answer) or cookie
        elapsed += step
    answer = results_at(start + stand.settings.session_max_minutes * 60 + 1)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/portal/?expired=1")


def test_ended_sessions_are_swept_at_the_next_sign_in(stand: PortalStand) -> None:
    now = datetime.now(UTC)
    idle = timedelta(minutes=stand.settings.session_minutes)
    sessions.start(stand.engine, now - timedelta(hours=3), timedelta(hours=2), idle)  # expired
    sessions.start(stand.engine, now - idle * 2, timedelta(hours=2), idle)  # idle too long
    sessions.start(stand.engine, now, timedelta(hours=2), idle)  # alive
    sign_in(stand, "anna.berzina")
    assert _live_sessions(stand) == 2
