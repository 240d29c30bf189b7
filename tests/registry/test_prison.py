"""The Prison Administration's register (issue 12): its contract, the simulator serving it
with its own fixture, and the client — which fails closed when the register is down, slow or
talks nonsense, and caches only real answers."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from gateway.domain.personal_code import parse_personal_code
from gateway.domain.prison import responsible_official
from gateway.errors import PrisonRegistryUnavailable
from gateway.registry.client import RegistryFailure
from gateway.registry.prison_client import PrisonClient
from gateway.registry.registers import IEVP_REGISTER
from gateway.settings import XRoadMember
from gateway.simulators.prison_fixture import (
    PrisonFixture,
    load_prison_fixture,
    parse_prison_fixture,
    prison_answer_element,
)
from gateway.simulators.register import FailMode, start_prison_simulator
from gateway.simulators.register_fixture import FixtureError
from gateway.simulators.register_server import RunningSimulator
from tests.registry.conftest import DATA, FakeClock, make_settings

PRISONS = XRoadMember(instance="LV-TEST", member_class="GOV", member_code="90000027165",
                      subsystem_code="IEVP")
INMATE = parse_personal_code("220806-21170")
FREE = parse_personal_code("020578-17513")
OFFICIAL = parse_personal_code("120379-12344")
FORMER = parse_personal_code("050885-17314")


@pytest.fixture(scope="module")
def fixture() -> PrisonFixture:
    return load_prison_fixture(DATA / "prison.json")


@pytest.fixture
def prison_sim(fixture: PrisonFixture) -> Iterator[RunningSimulator]:
    running = start_prison_simulator(fixture, PRISONS)
    try:
        yield running
    finally:
        running.stop()


def client_for(url: str, clock: Any = time.monotonic, **overrides: Any) -> PrisonClient:
    settings = make_settings("http://127.0.0.1:9/", prison_registry_url=url,
                             prison_registry_service=PRISONS, **overrides)
    return PrisonClient(settings, clock=clock)


def test_the_simulator_serves_the_committed_contract(prison_sim: RunningSimulator) -> None:
    wsdl = requests.get(prison_sim.url + "?wsdl", timeout=5)
    assert wsdl.status_code == 200 and f'location="{prison_sim.url}"'.encode() in wsdl.content
    schema = requests.get(prison_sim.url + "schemas/ievp-resocialisation.xsd", timeout=5)
    assert schema.content == IEVP_REGISTER.body_xsd.read_bytes()


def test_every_answer_the_simulator_builds_is_valid(fixture: PrisonFixture) -> None:
    for record in (*fixture.records.values(), None):
        assert IEVP_REGISTER.body_schema().validate(prison_answer_element(record))


def test_an_inmate_and_their_officials_over_the_wire(prison_sim: RunningSimulator) -> None:
    client = client_for(prison_sim.url)
    try:
        record = client.lookup(INMATE, user_id=OFFICIAL)
        assert record is not None and record.institution == "Olaines cietums"
        assert responsible_official(record, OFFICIAL.digits, date(2026, 12, 1)) is not None
        assert responsible_official(record, FORMER.digits, date(2026, 12, 1)) is None
        assert responsible_official(record, FORMER.digits, date(2024, 12, 31)) is not None
        assert client.lookup(FREE, user_id=OFFICIAL) is None  # not in custody: an answer
    finally:
        client.close()


def test_answers_are_cached_for_the_ttl(prison_sim: RunningSimulator) -> None:
    clock = FakeClock()
    client = client_for(prison_sim.url, clock=clock, registry_cache_ttl=60.0)
    try:
        client.lookup(INMATE, user_id=OFFICIAL)
        client.lookup(INMATE, user_id=OFFICIAL)
        assert prison_sim.app.counters()["answers"] == 1
        clock.advance(61)
        client.lookup(INMATE, user_id=OFFICIAL)
        assert prison_sim.app.counters()["answers"] == 2
    finally:
        client.close()


def _refused(client: PrisonClient, failure: RegistryFailure) -> float:
    started = time.monotonic()
    with pytest.raises(PrisonRegistryUnavailable) as caught:
        client.lookup(INMATE, user_id=OFFICIAL)
    assert caught.value.attrs["failure"] is failure
    assert len(client.cache) == 0  # nothing cached from a failure
    return time.monotonic() - started


@pytest.mark.parametrize(("mode", "failure"), [
    pytest.param(FailMode.ERROR, RegistryFailure.FAULT, id="http-500-fault"),
    pytest.param(FailMode.GARBAGE, RegistryFailure.MALFORMED, id="garbage"),
])
def test_a_failing_register_fails_closed(prison_sim: RunningSimulator, mode: FailMode,
                                         failure: RegistryFailure) -> None:
    client = client_for(prison_sim.url)
    try:
        prison_sim.app.fail = mode
        _refused(client, failure)
        prison_sim.app.fail = FailMode.NONE  # back: the next call is made and answered
        assert client.lookup(INMATE, user_id=OFFICIAL) is not None
    finally:
        client.close()


def test_a_slow_register_is_cut_off_at_the_deadline(prison_sim: RunningSimulator) -> None:
    client = client_for(prison_sim.url, registry_connect_timeout=0.5, registry_read_timeout=0.5)
    try:
        prison_sim.app.delay = 3.0
        elapsed = _refused(client, RegistryFailure.TIMEOUT)
        assert 0.5 <= elapsed < 1.5
    finally:
        prison_sim.app.delay = 0.0
        client.close()


def test_a_register_that_is_down_fails_closed() -> None:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    client = client_for(f"http://127.0.0.1:{port}/")
    try:
        _refused(client, RegistryFailure.UNREACHABLE)
    finally:
        client.close()


def test_an_answer_about_someone_else_is_refused(fixture: PrisonFixture) -> None:
    other = PrisonFixture({INMATE.digits: fixture.records[INMATE.digits].__class__(
        FREE.digits, "Olaines cietums", ())})
    running = start_prison_simulator(other, PRISONS)
    client = client_for(running.url)
    try:
        _refused(client, RegistryFailure.MALFORMED)
    finally:
        client.close()
        running.stop()


@pytest.mark.parametrize(("data", "where"), [
    ({"inmates": [{"personal_code": "12345", "institution": "X", "officials": []}]},
     "inmates[0].personal_code"),
    ({"inmates": [{"personal_code": "220806-21170", "institution": "X", "officials": [
        {"personal_code": "120379-12344", "given_name": "I", "family_name": "K",
         "valid_from": "2025-01-02", "valid_to": "2025-01-01"}]}]},
     "inmates[0].officials[0].valid_to"),
    ({"inmates": [], "extra": 1}, "fixture"),
])
def test_a_bad_fixture_is_refused_naming_the_place(data: Any, where: str) -> None:
    with pytest.raises(FixtureError) as caught:
        parse_prison_fixture(data)
    assert str(caught.value).startswith(where)


def test_the_demo_fixture_loads() -> None:
    from gateway.demo import DEMO_PRISON

    assert load_prison_fixture(Path(DEMO_PRISON)).records
    assert etree.QName(prison_answer_element(None)).localname.endswith("Response")
