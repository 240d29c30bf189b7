"""A migrated database per test module, on each database the run can reach: for modules that
build their data once and then only read it (the visibility rules, the route matrix)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from gateway.store.db import create_engine_from_url, upgrade
from tests.conftest import DATABASES, fresh_pg_schema

__all__ = ["DATABASES", "migrated"]


@contextmanager
def migrated(kind: str, tmp: pytest.TempPathFactory, prefix: str) -> Iterator[Engine]:
    """An engine on a new database of ``kind`` ("sqlite" or "postgresql") at the newest
    schema; the PostgreSQL schema is dropped afterwards."""
    if kind == "sqlite":
        engine = create_engine_from_url(f"sqlite:///{tmp.mktemp(prefix) / 'gateway.db'}")
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with fresh_pg_schema(prefix) as url:
        engine = create_engine_from_url(url)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
