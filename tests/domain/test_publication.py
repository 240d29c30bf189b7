"""RULES §5: publication instants and the portal's six months."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.publication import (
    in_ep181_years,
    in_ep226_issues,
    is_issued,
    is_portal_visible,
    is_published,
    portal_visible_until,
)

RIGA = ZoneInfo("Europe/Riga")
SUMMER = timezone(timedelta(hours=3))
WINTER = timezone(timedelta(hours=2))
TICK = timedelta(microseconds=1)

BASIC_2024 = datetime(2024, 7, 1, 8, 0, tzinfo=SUMMER)
SECONDARY_2024 = datetime(2024, 7, 11, 8, 0, tzinfo=RIGA)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (BASIC_2024 - timedelta(days=365), False),
        (BASIC_2024 - TICK, False),
        (datetime(2024, 7, 1, 4, 59, 59, 999999, tzinfo=UTC), False),
        (BASIC_2024, True),
        (datetime(2024, 7, 1, 5, 0, tzinfo=UTC), True),  # the same instant, written in UTC
        (datetime(2024, 7, 1, 8, 0, tzinfo=RIGA), True),
        (BASIC_2024 + TICK, True),
        (BASIC_2024 + timedelta(days=3650), True),
    ],
)
def test_published_from_the_instant_on(now: datetime, expected: bool) -> None:
    assert is_published(BASIC_2024, now) is expected


NAIVE = datetime(2024, 7, 1, 8, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_published(NAIVE, BASIC_2024),
        lambda: is_published(BASIC_2024, NAIVE),
        lambda: portal_visible_until(NAIVE),
        lambda: is_portal_visible(NAIVE, BASIC_2024),
        lambda: is_portal_visible(BASIC_2024, NAIVE),
    ],
    ids=[
        "published-naive",
        "now-naive",
        "until-naive",
        "portal-published-naive",
        "portal-now-naive",
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("published_at", "until"),
    [
        # Summer time in July, winter time in January: the wall time stays 08:00.
        (BASIC_2024, datetime(2025, 1, 1, 8, 0, tzinfo=WINTER)),
        (SECONDARY_2024, datetime(2025, 1, 11, 8, 0, tzinfo=WINTER)),
        (datetime(2024, 12, 15, 10, 0, tzinfo=WINTER), datetime(2025, 6, 15, 10, 0, tzinfo=SUMMER)),
        # Month ends are clamped.
        (datetime(2024, 8, 31, 8, 0, tzinfo=SUMMER), datetime(2025, 2, 28, 8, 0, tzinfo=WINTER)),
        (datetime(2023, 8, 31, 8, 0, tzinfo=SUMMER), datetime(2024, 2, 29, 8, 0, tzinfo=WINTER)),
        (datetime(2024, 12, 31, 9, 0, tzinfo=WINTER), datetime(2025, 6, 30, 9, 0, tzinfo=SUMMER)),
        # Given in UTC, counted on the Riga calendar: 22:30 UTC is already 1 July in Riga.
        (datetime(2024, 6, 30, 22, 30, tzinfo=UTC), datetime(2025, 1, 1, 1, 30, tzinfo=WINTER)),
    ],
)
def test_portal_visible_until(published_at: datetime, until: datetime) -> None:
    end = portal_visible_until(published_at)
    assert end == until
    assert end.utcoffset() == until.utcoffset()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (BASIC_2024 - TICK, False),
        (BASIC_2024, True),
        (datetime(2024, 12, 31, 23, 59, tzinfo=RIGA), True),
        (datetime(2025, 1, 1, 7, 59, 59, 999999, tzinfo=WINTER), True),
        (datetime(2025, 1, 1, 5, 59, 59, 999999, tzinfo=UTC), True),
        (datetime(2025, 1, 1, 8, 0, tzinfo=WINTER), False),
        (datetime(2025, 1, 1, 6, 0, tzinfo=UTC), False),
        (datetime(2025, 1, 1, 8, 0, tzinfo=SUMMER), True),  # 05:00 UTC: an hour before the end
        (datetime(2025, 7, 1, 8, 0, tzinfo=SUMMER), False),
    ],
)
def test_portal_shows_a_session_for_six_months(now: datetime, expected: bool) -> None:
    assert is_portal_visible(BASIC_2024, now) is expected


def test_portal_end_of_a_31_august_publication() -> None:
    published = datetime(2024, 8, 31, 8, 0, tzinfo=RIGA)
    assert is_portal_visible(published, datetime(2025, 2, 28, 7, 59, tzinfo=RIGA))
    assert not is_portal_visible(published, datetime(2025, 2, 28, 8, 0, tzinfo=RIGA))
    assert not is_portal_visible(published, datetime(2025, 3, 1, 0, 0, tzinfo=RIGA))


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(RIGA)
)
offsets = st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400))


@given(published_at=instants, delta=offsets)
def test_published_iff_not_before_the_instant(published_at: datetime, delta: timedelta) -> None:
    now = published_at.astimezone(UTC) + delta
    assert is_published(published_at, now) is (delta >= timedelta(0))
    assert is_published(published_at, now.astimezone(RIGA)) is (delta >= timedelta(0))


@given(published_at=instants, delta=offsets)
def test_portal_window_is_within_the_publication(published_at: datetime, delta: timedelta) -> None:
    # Compared in UTC: datetimes sharing a tzinfo compare by wall time.
    start = published_at.astimezone(UTC)
    now = start + delta
    end = portal_visible_until(published_at).astimezone(UTC)
    # Six calendar months: 181 to 184 days, give or take an hour of clock change.
    assert timedelta(days=180, hours=23) <= end - start <= timedelta(days=184, hours=1)
    assert is_portal_visible(published_at, now) is (start <= now < end)
    assert is_portal_visible(published_at, now.astimezone(RIGA)) is (start <= now < end)


# When Riga's clocks go back (27 October 2024, 04:00 EEST → 03:00 EET) the wall times 03:00–03:59
# happen twice. Python compares datetimes that share a tzinfo by wall time alone, so the instant
# must be compared on a common time line, or a session could show before its publication.
FIRST_0330 = datetime(2024, 10, 27, 3, 30, tzinfo=RIGA)  # 00:30 UTC
SECOND_0310 = datetime(2024, 10, 27, 3, 10, fold=1, tzinfo=RIGA)  # 01:10 UTC


def test_publication_in_the_repeated_hour_is_compared_as_instants() -> None:
    assert FIRST_0330.astimezone(UTC) < SECOND_0310.astimezone(UTC)  # 00:30 before 01:10
    assert not is_published(SECOND_0310, FIRST_0330)
    assert is_published(FIRST_0330, SECOND_0310)
    assert not is_portal_visible(SECOND_0310, FIRST_0330)


def test_portal_end_in_the_repeated_hour_is_compared_as_instants() -> None:
    published = datetime(2024, 4, 27, 3, 30, tzinfo=RIGA)
    end = portal_visible_until(published)
    assert end.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert not is_portal_visible(published, SECOND_0310)  # 01:10 UTC: after the end
    assert is_portal_visible(published, datetime(2024, 10, 27, 0, 29, tzinfo=UTC))


@pytest.mark.parametrize(("year", "shown"), [
    ("2008/2009", False), ("2009/2010", False), ("2010/2011", True), ("2011/2012", True),
    ("2099/2100", True),
])
def test_ep181_from_school_year_2010_2011(year: str, shown: bool) -> None:
    assert in_ep181_years(year) is shown


@pytest.mark.parametrize("year", ["2010", "2010/2012", "10/11", "2010-2011", "abcd/abce"])
def test_a_school_year_is_two_consecutive_years(year: str) -> None:
    with pytest.raises(ValueError, match="school year"):
        in_ep181_years(year)


@pytest.mark.parametrize(("issued", "listed"), [
    (date(2022, 12, 31), False), (date(2023, 1, 1), True), (date(2023, 1, 2), True),
])
def test_ep226_from_1_january_2023(issued: date, listed: bool) -> None:
    assert in_ep226_issues(issued) is listed


@pytest.mark.parametrize(("now", "issued"), [
    (datetime(2024, 10, 26, 20, 59, 59, tzinfo=UTC), False),  # 23:59:59 in Riga (summer)
    (datetime(2024, 10, 26, 21, 0, tzinfo=UTC), True),  # midnight in Riga: the 27th
    (datetime(2024, 10, 27, 0, 0, tzinfo=RIGA), True),
])
def test_a_document_exists_from_its_day_in_riga(now: datetime, issued: bool) -> None:
    assert is_issued(date(2024, 10, 27), now) is issued
    with pytest.raises(ValueError):
        is_issued(date(2024, 10, 27), now.replace(tzinfo=None))
