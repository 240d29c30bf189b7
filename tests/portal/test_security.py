"""Rate limits shared through the database, CSRF tokens and the Content-Security-Policy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from gateway.portal.security import (
    SharedLimit,
    content_security_policy,
    csrf_token,
    csrf_valid,
)
from gateway.store.db import create_engine_from_url
from gateway.store.models import RateCounter


def _limit(engine: Engine, clock: list[datetime], count: int = 2,
           window: float = 10.0, scope: str = "test") -> SharedLimit:
    return SharedLimit(engine, scope, count, timedelta(seconds=window), b"k" * 32,
                       lambda: clock[0])


def test_shared_limit_slides(engine: Engine) -> None:
    """At most ``limit`` events per key in a sliding window; a refused try is counted too."""
    clock = [datetime(2026, 7, 1, 5, 0, 0, 100_000, tzinfo=UTC)]
    limiter = _limit(engine, clock)
    assert [limiter.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert limiter.allow("10.0.0.2")  # per key
    clock[0] += timedelta(seconds=10)  # the previous window still weighs almost all in
    assert not limiter.allow("10.0.0.1")
    clock[0] += timedelta(seconds=10.5)  # beyond both windows
    assert limiter.allow("10.0.0.1")


def test_shared_limit_holds_across_instances(engine: Engine, database_url: str) -> None:
    """Two instances (two engines on one database) count together: the limit is not per
    process (issue 23)."""
    clock = [datetime(2026, 7, 1, 5, 0, 1, tzinfo=UTC)]
    other = create_engine_from_url(database_url)
    try:
        first, second = _limit(engine, clock, 4), _limit(other, clock, 4)
        allowed = [limiter.allow("10.0.0.9") for limiter in (first, second) * 3]
    finally:
        other.dispose()
    assert allowed == [True] * 4 + [False] * 2


def test_shared_limit_is_atomic_under_concurrency(engine: Engine) -> None:
    """Threads racing for the last places: exactly ``limit`` of them are let through."""
    clock = [datetime(2026, 7, 1, 5, 0, 1, tzinfo=UTC)]
    limiter = _limit(engine, clock, 5)
    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(lambda _: limiter.allow("10.0.0.7"), range(24)))
    assert allowed.count(True) == 5


def test_shared_limit_keeps_no_address_and_sweeps_old_windows(engine: Engine) -> None:
    clock = [datetime(2026, 7, 1, 5, 0, 1, tzinfo=UTC)]
    limiter = _limit(engine, clock)
    for n in range(5):
        limiter.allow(f"192.0.2.{n}")
    clock[0] += timedelta(seconds=25)  # two windows on: the old rows are no longer read
    limiter.allow("192.0.2.200")
    with engine.connect() as conn:
        rows = conn.execute(select(RateCounter.key, RateCounter.window_start)).all()
    assert len(rows) == 1
    assert all("192.0.2" not in key for key, _ in rows)


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
