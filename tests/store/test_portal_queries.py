"""The portal's query (RULES §11, §5): own results, passed and not passed, of sessions
published at most six months ago; nothing before publication."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from gateway.store.queries import portal_results, portal_sessions

ANNA, ULDIS, JANIS = "14031024716", "23061025626", "22080621170"


@pytest.fixture
def demo(demo_engine: Engine) -> Engine:
    return demo_engine


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("now", "sessions"), [
    ("2026-07-01T07:59:59+03:00", set()),
    ("2026-07-01T08:00:00+03:00", {"2026-P"}),
    ("2026-07-11T08:00:00+03:00", {"2026-P", "2026-V"}),
    ("2026-11-28T12:00:00+02:00", {"2026-P", "2026-V"}),
    ("2026-12-31T23:59:59+02:00", {"2026-P", "2026-V"}),
    ("2027-01-01T07:59:59+02:00", {"2026-P", "2026-V"}),  # six months at 08:00 Riga…
    ("2027-01-01T08:00:00+02:00", {"2026-V"}),  # …wall time, now in winter time
    ("2027-01-11T08:00:00+02:00", set()),
])
def test_sessions_of_the_last_six_months(demo: Engine, now: str, sessions: set[str]) -> None:
    with demo.connect() as conn:
        assert set(portal_sessions(conn, at(now))) == sessions


def test_own_results_passed_and_not_passed(demo: Engine) -> None:
    now = at("2026-11-28T12:00:00+02:00")
    with demo.connect() as conn:
        anna = portal_results(conn, ANNA, now)
        uldis = portal_results(conn, ULDIS, now)
        janis = portal_results(conn, JANIS, now)
    assert {r.exam_code for r in anna} == {"LVA09", "MAT09", "FRA09"}
    assert all(r.passed and r.certificate_number for r in anna)
    fra = next(r for r in anna if r.exam_code == "FRA09")
    assert fra.certificate_number == "2026/147296056270-FRA09"
    assert fra.school_year == "2025/2026" and fra.cefr_level == "B2"
    assert [p for p, _ in fra.parts] == ["Klausīšanās", "Lasīšana", "Rakstīšana", "Runāšana"]
    failed = [r for r in uldis if not r.passed]
    assert [r.exam_code for r in failed] == ["ANG09"]
    assert failed[0].certificate_number is None
    assert janis == []  # his results are of 2025: past the six months


def test_before_publication_nothing(demo: Engine) -> None:
    with demo.connect() as conn:
        assert portal_results(conn, ANNA, at("2026-07-01T07:59:00+03:00")) == []
