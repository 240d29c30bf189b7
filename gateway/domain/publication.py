"""Publication of exam sessions (RULES §5) and the routes' cut-offs (RULES §4, §11, §12).

Results and documents belong to an exam session with a publication instant. Before that instant
nothing of the session is visible on any route. The eksameni.gov.lv portal shows a session only
for six months after its publication. The VIIS report of a selection date holds the sessions
published on or before that date (RULES §12) — and, whatever the date, only published ones.
EP181 shows school years 2010/2011 and later; EP226 documents issued on or after 1 January 2023;
no route shows a document before its issue date (Riga calendar).

These are the pure statements of the rules; :mod:`gateway.store.visibility` is the one place
that writes them as SQL, and its tests hold the two to agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from gateway.domain.age import RIGA, riga_date
from gateway.domain.calendar import add_months

PORTAL_MONTHS = 6
EP181_FIRST_SCHOOL_YEAR = "2010/2011"
"""EP181 shows results since 2011: school year 2010/2011 and later (RULES §4)."""
EP226_FIRST_ISSUE_DATE = date(2023, 1, 1)
"""EP226 lists documents issued on or after 1 January 2023 (RULES §4)."""


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


def first_year(school_year: str) -> int:
    """The calendar year a school year ``"2010/2011"`` starts in."""
    start, _, end = school_year.partition("/")
    if len(start) != 4 or not start.isdigit() or end != str(int(start) + 1):
        raise ValueError(f"not a school year: {school_year!r}")
    return int(start)


def in_ep181_years(school_year: str) -> bool:
    """Whether EP181 shows results of ``school_year`` (2010/2011 and later, RULES §4)."""
    return first_year(school_year) >= first_year(EP181_FIRST_SCHOOL_YEAR)


def in_ep226_issues(issued_on: date) -> bool:
    """Whether EP226 lists a document issued on ``issued_on`` (1 January 2023 on, RULES §4)."""
    return issued_on >= EP226_FIRST_ISSUE_DATE


def is_issued(issued_on: date, now: datetime) -> bool:
    """Whether a document dated ``issued_on`` exists at ``now``: its day has come in Riga."""
    return issued_on <= riga_date(_instant(now, "now"))
