"""Publication of exam sessions (RULES §5).

Results and documents belong to an exam session with a publication instant. Before that instant
nothing of the session is visible on any route. The eksameni.gov.lv portal shows a session only
for six months after its publication. The VIIS report of a selection date holds the sessions
published on or before that date (RULES §12) — and, whatever the date, only published ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from gateway.domain.age import RIGA, riga_date
from gateway.domain.calendar import add_months

PORTAL_MONTHS = 6


def _instant(value: datetime, name: str) -> datetime:
    """``value`` in UTC, to compare as instants.

    Python compares two datetimes that share a tzinfo by wall time alone, which is wrong in the
    hour Riga repeats when its clocks go back; in UTC every instant has one reading.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def is_published(published_at: datetime, now: datetime) -> bool:
    """Whether a session published at ``published_at`` is visible at ``now``."""
    return _instant(now, "now") >= _instant(published_at, "published_at")


def portal_visible_until(published_at: datetime) -> datetime:
    """The instant the portal stops showing a session: six calendar months, Riga wall time."""
    local = _instant(published_at, "published_at").astimezone(RIGA)
    end_date = add_months(local.date(), PORTAL_MONTHS)
    return datetime.combine(end_date, local.timetz().replace(tzinfo=None), RIGA)


def is_portal_visible(published_at: datetime, now: datetime) -> bool:
    """Whether eksameni.gov.lv shows the session at ``now`` (published, under six months)."""
    until = _instant(portal_visible_until(published_at), "until")
    return is_published(published_at, now) and _instant(now, "now") < until


def riga_day_end(day: date) -> datetime:
    """The first instant after ``day`` in Riga (the start of the next calendar day there)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), RIGA)


def is_in_report(published_at: datetime, selection_date: date, now: datetime) -> bool:
    """Whether a report of ``selection_date`` made at ``now`` holds the session (RULES §12):
    published by ``now``, on or before the selection date by the Riga calendar."""
    return is_published(published_at, now) and riga_date(published_at) <= selection_date
