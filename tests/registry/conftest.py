"""Shared fixtures: the family fixture, a real simulator on 127.0.0.1, the real zeep client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.domain.age import RIGA
from gateway.registry.client import RegistryClient
from gateway.settings import Settings, XRoadMember, load_settings
from gateway.simulators.register import start_simulator
from gateway.simulators.register_fixture import RegisterFixture, load_fixture
from gateway.simulators.register_server import RunningSimulator

DATA = Path(__file__).resolve().parent / "data"
FAMILY = DATA / "family.json"

REGISTER = XRoadMember(
    instance="LV-TEST", member_class="GOV", member_code="90000002651", subsystem_code="PMLP"
)
US = XRoadMember(
    instance="LV-TEST", member_class="GOV", member_code="90000022399", subsystem_code="VPIS"
)
NOW = datetime(2025, 3, 15, 10, 0, tzinfo=RIGA)
"""The instant most tests ask at: a Saturday in March 2025, Riga time."""


def make_settings(url: str, **overrides: Any) -> Settings:
    """Settings for a client of the register at ``url``; short timeouts unless overridden."""
    values: dict[str, Any] = {
        "registry_url": url,
        "registry_connect_timeout": 1.0,
        "registry_read_timeout": 1.0,
        "registry_cache_ttl": 300.0,
        "registry_cache_size": 100,
        "xroad_self": US,
        "registry_service": REGISTER,
    }
    values.update(overrides)
    return load_settings(**values)


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def family() -> RegisterFixture:
    return load_fixture(FAMILY)


@pytest.fixture
def simulator(family: RegisterFixture) -> Iterator[RunningSimulator]:
    running = start_simulator(family, REGISTER)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def registry(simulator: RunningSimulator) -> Iterator[RegistryClient]:
    client = RegistryClient(make_settings(simulator.url))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
