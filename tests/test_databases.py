"""The test databases' fast path is honest: a copy (``tests/databases.py``) holds what a direct
build holds, schema and rows, on both databases; a database that is not empty is built for
real, keeping what it held; on PostgreSQL a schema given back is lent again only as built."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, inspect, select, text
from sqlalchemy.engine import make_url

from gateway.store.db import create_engine_from_url
from tests.conftest import DATABASES, fresh_pg_schema
from tests.databases import BUILDS, DEMO, MIGRATED, prepare


@pytest.fixture(params=DATABASES)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes URLs of new, empty databases of one kind."""
    with ExitStack() as stack:
        made = iter(range(100))

        def new() -> str:
            if request.param == "sqlite":
                return f"sqlite:///{tmp_path / f'db{next(made)}.db'}"
            return stack.enter_context(fresh_pg_schema("gw_copy"))

        yield new


def _plain(items: list[Any]) -> list[str]:
    """Reflected items as sorted text (SQL expressions in them by their SQL)."""
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in items)


def _describe(engine: Engine) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints, and all its rows, in order."""
    found = inspect(engine)
    metadata = MetaData()
    metadata.reflect(engine)
    described: dict[str, Any] = {}
    with engine.connect() as conn:
        for name in sorted(found.get_table_names()):
            table = metadata.tables[name]
            described[name] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                            for c in found.get_columns(name)],
                "primary key": _plain([found.get_pk_constraint(name)]),
                "foreign keys": _plain(found.get_foreign_keys(name)),
                "indexes": _plain(found.get_indexes(name)),
                "unique": _plain(found.get_unique_constraints(name)),
                "checks": _plain(found.get_check_constraints(name)),
                "rows": sorted(map(repr, conn.execute(select(table)).all())),
            }
        if engine.dialect.name == "postgresql":
            described["sequences"] = sorted(
                (row[0], row[1]) for row in conn.execute(text(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = current_schema()")))
    return described


@pytest.mark.parametrize("kind", [MIGRATED, DEMO])
def test_a_copy_holds_what_a_direct_build_holds(new_database: Callable[[], str],
                                                kind: str) -> None:
    direct = create_engine_from_url(new_database())
    BUILDS[kind](direct)
    copies = [new_database() for _ in range(2)]  # the first may be the one recorded
    for url in copies:
        prepare(url, kind)
    try:
        expected = _describe(direct)
        assert expected["alembic_version"]["rows"]
        if kind == DEMO:
            assert expected["results"]["rows"] and expected["documents"]["rows"]
        for url in copies:
            copy = create_engine_from_url(url)
            try:
                assert _describe(copy) == expected
            finally:
                copy.dispose()
    finally:
        direct.dispose()


def test_each_copy_is_its_own(new_database: Callable[[], str]) -> None:
    first, second = new_database(), new_database()
    prepare(first, DEMO)
    prepare(second, DEMO)
    engine = create_engine_from_url(first)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_subjects"))
            conn.execute(text("DELETE FROM audit_records"))
            conn.execute(text("DELETE FROM paper_copy_requests"))
            conn.execute(text("DELETE FROM results"))
    finally:
        engine.dispose()
    other = create_engine_from_url(second)
    try:
        with other.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM results"))
    finally:
        other.dispose()


def test_a_database_that_is_not_empty_is_built_for_real(new_database: Callable[[], str]
                                                        ) -> None:
    url = new_database()
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE kept (id INTEGER PRIMARY KEY)"))
            conn.execute(text("INSERT INTO kept (id) VALUES (7)"))
        prepare(url, DEMO)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT id FROM kept")) == 7
            assert conn.scalar(text("SELECT count(*) FROM results"))
            assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        engine.dispose()


def _schema_of(url: str) -> str:
    options = str(make_url(url).query["options"])
    return options.split("search_path=", 1)[1].split()[0]


def _oid(url: str) -> int:
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT oid FROM pg_namespace WHERE nspname = :s"),
                                    {"s": _schema_of(url)}).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_schema_given_back_is_lent_again_as_built() -> None:
    with fresh_pg_schema("gw_copy") as direct_url:
        direct = create_engine_from_url(direct_url)
        BUILDS[DEMO](direct)
        with fresh_pg_schema("gw_copy") as first:
            prepare(first, DEMO)
            used = create_engine_from_url(first)
            with used.begin() as conn:  # what a test might leave behind
                conn.execute(text("DELETE FROM paper_copy_requests"))
                conn.execute(text("DELETE FROM appeals"))
                conn.execute(text("DELETE FROM results"))
                conn.execute(text("INSERT INTO audit_records (at, service, outcome)"
                                  " VALUES (now(), 'getExamResults', 'allowed')"))
                conn.execute(text("SELECT nextval('documents_id_seq')"))
            used.dispose()
            lent = _oid(first)
        # fresh_pg_schema gave it back (tests.databases.release)
        with fresh_pg_schema("gw_copy") as second:
            prepare(second, DEMO)
            assert _oid(second) == lent, "the schema given back is lent again"
            again = create_engine_from_url(second)
            try:
                assert _describe(again) == _describe(direct)
            finally:
                again.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_a_schema_whose_structure_changed_is_not_taken_back() -> None:
    with fresh_pg_schema("gw_copy") as url:
        prepare(url, MIGRATED)
        engine = create_engine_from_url(url)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE results ADD COLUMN extra INTEGER"))
        engine.dispose()
        changed = _oid(url)
    with fresh_pg_schema("gw_copy") as url:
        prepare(url, MIGRATED)
        assert _oid(url) != changed
        engine = create_engine_from_url(url)
        try:
            assert "extra" not in {c["name"] for c in inspect(engine).get_columns("results")}
        finally:
            engine.dispose()
