"""The migrations build exactly the models' schema, on every database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text

from gateway.settings import load_settings
from gateway.store.db import alembic_config, create_engine_from_url, init_database
from gateway.store.models import AuditRecord, Base


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_all_tables_exist(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_instants_come_back_aware_and_equal(engine: Engine) -> None:
    riga = timezone(timedelta(hours=3))
    at = datetime(2024, 7, 1, 8, 0, tzinfo=riga)
    with engine.begin() as conn:
        conn.execute(AuditRecord.__table__.insert(), {"at": at, "service": "x", "outcome": "ok"})
    with engine.connect() as conn:
        stored = conn.scalar(select(AuditRecord.at))
    assert stored == at
    assert stored is not None and stored.utcoffset() == timedelta(0)


def test_naive_instants_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(
            AuditRecord.__table__.insert(),
            {"at": datetime(2024, 7, 1, 8, 0), "service": "x", "outcome": "ok"},
        )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    engine = create_engine_from_url(f"sqlite:///{tmp_path}/wal.db")
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
            assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        engine.dispose()


def test_init_database_creates_the_sqlite_file_under_the_data_dir(tmp_path: object) -> None:
    settings = load_settings(data_dir=f"{tmp_path}/data")
    url = init_database(settings)
    assert url.endswith("/data/gateway.db")
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as conn:
            head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
            assert head is not None
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head
    finally:
        engine.dispose()
    # Running it again on a database at the newest revision is harmless.
    assert init_database(settings) == url

