"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gateway.store.db import create_engine_from_url
from tests.databases import MIGRATED, prepare, release

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("GATEWAY_TEST_DATABASE_URL", "")

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_pg_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty schema on the test PostgreSQL, dropped afterwards.

    Skips when no server is configured, and fails instead when CI requires one.
    """
    if not PG_URL:
        if os.environ.get("GATEWAY_REQUIRE_POSTGRES"):
            pytest.fail("GATEWAY_REQUIRE_POSTGRES is set but GATEWAY_TEST_DATABASE_URL is not")
        pytest.skip("GATEWAY_TEST_DATABASE_URL is not set")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine_from_url(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(PG_URL, schema)
    try:
        yield url
    finally:
        if not release(url, schema):  # a copy lent by tests/databases.py goes back to its pool
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a fresh SQLite file, or a fresh schema on the test PostgreSQL."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.db'}"
        return
    with fresh_pg_schema("gw_test") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database migrated to the newest schema (the test's own: a copy
    of one migration run per test process, ``tests/databases.py``)."""
    prepare(database_url, MIGRATED)
    eng = create_engine_from_url(database_url)
    try:
        yield eng
    finally:
        eng.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a database on each database this run can reach."""
    if "database_url" in metafunc.fixturenames and "db_kind" not in metafunc.fixturenames:
        metafunc.parametrize("database_url", DATABASES, indirect=True)
