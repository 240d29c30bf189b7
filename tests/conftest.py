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
from tests.databases import DEMO, MIGRATED, prepare, release

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


@contextmanager
def _engine_on(database_url: str, kind: str) -> Iterator[Engine]:
    prepare(database_url, kind)
    eng = create_engine_from_url(database_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database migrated to the newest schema (the test's own: a copy
    of one migration run per test process, ``tests/databases.py``)."""
    with _engine_on(database_url, MIGRATED) as eng:
        yield eng


@pytest.fixture
def demo_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database holding the demo data set (``gateway demo``'s database): a
    copy of one build per test process, as :func:`engine`."""
    with _engine_on(database_url, DEMO) as eng:
        yield eng


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a database on each database this run can reach."""
    if "database_url" in metafunc.fixturenames and "db_kind" not in metafunc.fixturenames:
        metafunc.parametrize("database_url", DATABASES, indirect=True)


LONGEST_FIRST = (
    "tests/test_plain_install.py", "tests/test_wall_clock.py", "tests/test_processes.py",
    "tests/soap/test_long_term_download.py", "tests/documents/test_batches.py",
    "tests/portal/test_browser.py", "tests/portal/test_browser_shares.py",
    "tests/portal/test_shared_verify_guard.py", "tests/portal/test_shared_limits.py",
    "tests/soap/test_signatures.py", "tests/soap/test_attacks.py", "tests/test_cli.py",
    "tests/test_cli_refusals.py", "tests/soap/test_samples.py", "tests/soap/test_appeals.py",
)
"""The test files that take longest (``pytest --durations``), in that order. pytest-xdist hands
a worker one file at a time in collection order (``--dist loadfile --no-loadscope-reorder``,
scripts/test): these go first, so that no worker is left alone with a long file at the end of
the run while the other idles."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    root = config.rootpath

    def order(item: pytest.Item) -> int:
        return rank.get(item.path.relative_to(root).as_posix(), len(rank))

    items.sort(key=order)  # stable: every other file, and each file's tests, keep their order
