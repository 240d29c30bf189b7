"""The portal's limits hold across workers and instances (issue 23): the sign-in limit counted
in the database, checked through ``gateway serve`` with two gunicorn workers, and through two
gateway instances on one PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.conftest import fresh_pg_schema
from tests.portal.countries import portal_environment
from tests.stand import free_port, gateway_process, run_cli

LIMIT = 3


def _env(data_dir: Path, database_url: str, port: int) -> dict[str, str]:
    return portal_environment(data_dir, database_url, port,
                              GATEWAY_PORTAL__SIGN_IN_LIMIT=str(LIMIT))


def _tries(urls: list[str]) -> list[int]:
    """One sign-in callback a new connection (so gunicorn spreads them over its workers)."""
    statuses = []
    for url in urls:
        with requests.Session() as fresh:
            answer = fresh.get(f"{url}portal/callback/eklase?error=access_denied&state=x",
                               allow_redirects=False, timeout=15)
        statuses.append(answer.status_code)
    return statuses


def test_the_sign_in_limit_holds_across_two_workers(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    env = _env(tmp_path, database_url, port)
    run_cli(env, "init")
    with gateway_process(env, port, tmp_path, workers=2):
        statuses = _tries([f"http://127.0.0.1:{port}/"] * (3 * LIMIT))
    assert statuses.count(401) == LIMIT  # refused sign-ins, counted
    assert statuses.count(429) == 2 * LIMIT


@pytest.mark.postgres
def test_the_sign_in_limit_holds_across_two_instances(tmp_path: Path) -> None:
    with fresh_pg_schema("gw_limits") as database_url:
        _two_instances(tmp_path, database_url)


def _two_instances(tmp_path: Path, database_url: str) -> None:
    first, second = free_port(), free_port()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env_a = _env(tmp_path / "a", database_url, first)
    env_b = _env(tmp_path / "b", database_url, second)
    run_cli(env_a, "init")
    with gateway_process(env_a, first, tmp_path / "a"), \
            gateway_process(env_b, second, tmp_path / "b"):
        statuses = _tries([f"http://127.0.0.1:{port}/" for port in (first, second)] * LIMIT)
    assert statuses.count(401) == LIMIT
    assert statuses.count(429) == LIMIT
