"""The gateway's clock: the system's, or one started at ``clock_start`` that runs on."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

from gateway.demo import DEMO_CLOCK_START
from gateway.runtime import clock_for
from gateway.settings import Settings


def test_a_started_clock_begins_at_its_start_and_runs_on() -> None:
    riga = timezone(timedelta(hours=2))
    clock = clock_for(Settings(clock_start=DEMO_CLOCK_START.astimezone(riga)))
    first = clock()
    time.sleep(0.05)
    second = clock()
    assert first.tzinfo is UTC
    assert DEMO_CLOCK_START <= first < second < DEMO_CLOCK_START + timedelta(seconds=30)


def test_without_a_start_it_is_the_system_clock() -> None:
    clock = clock_for(Settings())
    assert abs(clock() - datetime.now(UTC)) < timedelta(seconds=5)
