"""submitAppeal's decisions (RULES §8, §13) against real registers over the wire: the deadline
on Riga dates at the instant of the call (hypothesis), the three roles, and both registers
failing closed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, update

from gateway.domain.age import RIGA
from gateway.domain.appeals import AppellantRole, appeal_deadline
from gateway.domain.prison import InmateRecord, Official
from gateway.errors import (
    AppealNotAllowed,
    AppealTooLate,
    PrisonRegistryUnavailable,
    RegistryUnavailable,
)
from gateway.registry.client import RegistryClient
from gateway.registry.prison_client import PrisonClient
from gateway.services.access import Access
from gateway.services.appeals import submit_appeal
from gateway.simulators.prison_fixture import PrisonFixture
from gateway.simulators.register import start_prison_simulator
from gateway.simulators.register_fixture import RegisterFixture
from gateway.simulators.register_server import RunningSimulator
from gateway.store.importer import import_document
from gateway.store.models import Appeal
from tests.registry import people as p
from tests.registry.conftest import make_settings
from tests.registry.test_prison import PRISONS

ISSUED = date(2025, 1, 31)  # deadline 2025-02-28
OFFICIAL = p.UNKNOWN  # adult by the code, not in the population register
BERTA_CERT, ANNA_CERT = "2025/BERTA-MAT", "2025/ANNA-MAT"


def data(issued: date = ISSUED) -> dict[str, Any]:
    person = [{"personal_code": c.display, "given_name": "X", "family_name": "Y"}
              for c in (p.BERTA, p.ANNA)]
    return {
        "sessions": [{"code": "2025-W", "school_year": "2024/2025", "level": "secondary",
                      "published_at": "2025-01-15T08:00:00+02:00"}],
        "exams": [{"code": "MAT", "name": "Matemātika", "parts": [], "cefr": False}],
        "persons": person,
        "results": [{"personal_code": c.display, "session": "2025-W", "exam": "MAT",
                     "total_percent": 70.0, "passed": True, "parts": {}}
                    for c in (p.BERTA, p.ANNA)],
        "documents": [{"number": n, "kind": "ce_certificate", "personal_code": c.display,
                       "session": "2025-W", "exam": "MAT", "issued_on": issued.isoformat(),
                       "title": "Sertifikāts"} for n, c in ((BERTA_CERT, p.BERTA),
                                                             (ANNA_CERT, p.ANNA))],
    }


@pytest.fixture
def prison_sim() -> Iterator[RunningSimulator]:
    fixture = PrisonFixture({p.BERTA.digits: InmateRecord(
        p.BERTA.digits, "Olaines cietums", (Official(OFFICIAL.digits, "I", "K",
                                                      date(2024, 1, 1)),))})
    running = start_prison_simulator(fixture, PRISONS)
    yield running
    running.stop()


@pytest.fixture
def parts(engine: Engine, simulator: RunningSimulator, prison_sim: RunningSimulator
          ) -> Iterator[tuple[Access, PrisonClient]]:
    import_document(engine, copy.deepcopy(data()))
    settings = make_settings(simulator.url, prison_registry_url=prison_sim.url,
                             prison_registry_service=PRISONS)
    registry, prison = RegistryClient(settings), PrisonClient(settings)
    yield Access(engine, registry), prison
    registry.close()
    prison.close()


def at_riga(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), RIGA).astimezone(UTC)


def test_the_three_roles(parts: tuple[Access, PrisonClient]) -> None:
    access, prison = parts
    now = at_riga(date(2025, 2, 10))
    assert submit_appeal(access, prison, p.BERTA, p.BERTA, BERTA_CERT, "t", now).role is (
        AppellantRole.STUDENT)
    assert submit_appeal(access, prison, p.MOTHER, p.ANNA, ANNA_CERT, "t", now).role is (
        AppellantRole.LEGAL_REPRESENTATIVE)
    decision = submit_appeal(access, prison, OFFICIAL, p.BERTA, BERTA_CERT, "t", now)
    assert decision.already  # Berta's own appeal is open: the official gets that one
    with pytest.raises(AppealNotAllowed):
        submit_appeal(access, prison, p.FATHER, p.ANNA, ANNA_CERT, "t", now)  # no custody


def test_the_last_moment_is_midnight_in_riga_not_utc(parts: tuple[Access, PrisonClient]
                                                     ) -> None:
    access, prison = parts
    last = datetime(2025, 2, 28, 23, 59, tzinfo=RIGA)  # 21:59 UTC
    first_late = datetime(2025, 3, 1, 0, 30, tzinfo=RIGA)  # still 28 February in UTC
    assert first_late.astimezone(UTC).date() == date(2025, 2, 28)
    with pytest.raises(AppealTooLate):
        submit_appeal(access, prison, p.BERTA, p.BERTA, BERTA_CERT, "t", first_late)
    assert not submit_appeal(access, prison, p.BERTA, p.BERTA, BERTA_CERT, "t", last).already


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(min_value=0, max_value=40))
def test_in_time_exactly_until_the_deadline(parts: tuple[Access, PrisonClient],
                                            days: int) -> None:
    access, prison = parts
    day = ISSUED + timedelta(days=days)
    try:
        decision = submit_appeal(access, prison, p.MOTHER, p.ANNA, ANNA_CERT, "t", at_riga(day))
    except AppealTooLate:
        assert day > appeal_deadline(ISSUED)
    else:
        assert day <= appeal_deadline(ISSUED) and not decision.already
        with access.engine.begin() as conn:  # withdrawn: the next example starts with none
            conn.execute(update(Appeal).values(status="withdrawn"))  # (a decided one answers)


def test_with_the_prison_register_down_only_the_official_is_refused(
        parts: tuple[Access, PrisonClient], prison_sim: RunningSimulator) -> None:
    access, prison = parts
    prison_sim.stop()
    now = at_riga(date(2025, 2, 10))
    with pytest.raises(PrisonRegistryUnavailable):
        submit_appeal(access, prison, OFFICIAL, p.BERTA, BERTA_CERT, "t", now)
    with pytest.raises(PrisonRegistryUnavailable):  # nobody is let through on a guess
        submit_appeal(access, prison, p.CITS_GUARDIAN, p.BERTA, BERTA_CERT, "t", now)
    assert submit_appeal(access, prison, p.BERTA, p.BERTA, BERTA_CERT, "t", now).role is (
        AppellantRole.STUDENT)
    assert submit_appeal(access, prison, p.MOTHER, p.ANNA, ANNA_CERT, "t", now).role is (
        AppellantRole.LEGAL_REPRESENTATIVE)


def test_with_the_population_register_down_a_stranger_is_told_to_try_later(
        parts: tuple[Access, PrisonClient], simulator: RunningSimulator) -> None:
    access, prison = parts
    simulator.stop()
    with pytest.raises(RegistryUnavailable):
        submit_appeal(access, prison, p.MOTHER, p.ANNA, ANNA_CERT, "t",
                      at_riga(date(2025, 2, 10)))


def test_family_fixture_is_what_the_tests_assume(family: RegisterFixture) -> None:
    assert family.find(OFFICIAL.digits) is None and family.find(p.BERTA.digits) is not None
