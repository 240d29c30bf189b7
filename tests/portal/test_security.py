"""Rate limits, CSRF tokens and the Content-Security-Policy."""

from __future__ import annotations

from gateway.portal.security import (
    RateLimiter,
    content_security_policy,
    csrf_token,
    csrf_valid,
)


def test_rate_limiter_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")  # per key
    now[0] = 10.5
    assert limiter.allow("a")


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(1, 60.0, max_keys=3)
    for key in "abcd":
        assert limiter.allow(key)
    assert limiter.allow("a")  # "a" was forgotten first
    assert not limiter.allow("d")


def test_csrf_token() -> None:
    session: dict[str, object] = {}
    token = csrf_token(session)
    assert csrf_token(session) == token and len(token) >= 32
    assert csrf_valid(session, token)
    assert not csrf_valid(session, token + "x")
    assert not csrf_valid(session, None)
    assert not csrf_valid({}, token)


def test_csp_allows_forms_only_to_us_and_the_e_journals() -> None:
    csp = content_security_policy(["https://id.e-klase.lv/oidc", "https://id.e-klase.lv/x",
                                   "https://www.mykoob.lv/oidc"])
    assert "form-action 'self' https://id.e-klase.lv https://www.mykoob.lv;" in csp
    assert content_security_policy([]).count("form-action 'self';") == 1
