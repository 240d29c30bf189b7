"""Databases built once per test process and copied for each test that asks for one.

Running Alembic's migrations (and importing the demo data) for every test that needs a
database cost more than most of those tests themselves. Here the first test that asks for a
kind of database (:data:`MIGRATED`: the newest schema, empty; :data:`DEMO`: that and the demo
data set) has it built for real, by ``upgrade`` and ``import_file``; every test still gets a
database of its own, a copy of that build:

- SQLite: the built file, copied to the test's path (written by nobody else);
- PostgreSQL: the statements the build sent to the server, recorded once (in the first test's
  own schema) and sent again, in order and with the same parameters, into each later test's own
  fresh schema. What the server then holds is what the build made; nothing is shared.

A database that is not empty is built for real instead (as before: ``upgrade`` and the import
are idempotent). ``tests/test_databases.py`` checks that a copy equals a direct build, schema
and rows, on both databases.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.engine import make_url

from gateway.demo import DEMO_DATA
from gateway.store.db import create_engine_from_url, upgrade
from gateway.store.importer import import_file

MIGRATED = "migrated"
"""The newest schema, no rows but Alembic's version."""
DEMO = "demo"
"""The newest schema with the demo data set imported (``gateway demo``'s database)."""


def migrate(engine: Engine) -> None:
    upgrade(engine)


def migrate_and_import_demo(engine: Engine) -> None:
    upgrade(engine)
    import_file(engine, DEMO_DATA)


BUILDS: dict[str, Callable[[Engine], None]] = {MIGRATED: migrate, DEMO: migrate_and_import_demo}
"""How each kind is built for real."""


@dataclass(frozen=True)
class _Statement:
    sql: str
    parameters: Any
    many: bool
    bare: bool
    """Sent without parameters (``cursor.execute(sql)``): ``%`` in it is then not a marker."""


_lock = threading.Lock()
_sqlite_files: dict[str, Path] = {}
_pg_scripts: dict[str, tuple[_Statement, ...]] = {}
_directory: Path | None = None


def prepare(url: str, kind: str) -> None:
    """Give the database at ``url`` (an SQLite file not yet made, or an empty PostgreSQL schema
    named by the URL's search_path) the contents of ``kind``; build it for real when it is
    not empty."""
    build = BUILDS[kind]
    if make_url(url).get_backend_name() == "sqlite":
        _prepare_sqlite(url, kind, build)
    else:
        _prepare_postgresql(url, kind, build)


def _build_for_real(url: str, build: Callable[[Engine], None]) -> None:
    engine = create_engine_from_url(url)
    try:
        build(engine)
    finally:
        engine.dispose()


def _templates() -> Path:
    global _directory
    if _directory is None:
        _directory = Path(tempfile.mkdtemp(prefix="gateway-test-databases-"))
        atexit.register(shutil.rmtree, _directory, ignore_errors=True)
    return _directory


def _prepare_sqlite(url: str, kind: str, build: Callable[[Engine], None]) -> None:
    database = make_url(url).database
    if not database or database == ":memory:":
        _build_for_real(url, build)
        return
    target = Path(database)
    if target.exists() and target.stat().st_size > 0:
        _build_for_real(url, build)
        return
    with _lock:
        template = _sqlite_files.get(kind)
        if template is None:
            template = _templates() / f"{kind}.db"
            engine = create_engine_from_url(f"sqlite:///{template}")
            try:
                build(engine)
                with engine.connect() as conn:  # everything into the main file
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                engine.dispose()
            _sqlite_files[kind] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


def _is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _search_path(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.scalar(text("SELECT current_schema()")))


def _prepare_postgresql(url: str, kind: str, build: Callable[[Engine], None]) -> None:
    engine = create_engine_from_url(url)
    try:
        if not _is_empty(engine):
            build(engine)
            return
        with _lock:
            script = _pg_scripts.get(kind)
            if script is None:
                script = _record(engine, build)
                if script:
                    _pg_scripts[kind] = script
                return
        _replay(engine, script)
    finally:
        engine.dispose()


def _record(engine: Engine, build: Callable[[Engine], None]) -> tuple[_Statement, ...]:
    """Build into ``engine``'s (empty) schema for real, keeping what was sent; nothing is kept
    (every later test builds for real) when a statement names the schema itself."""
    schema = _search_path(engine)  # also sets the dialect up before recording begins
    sent: list[_Statement] = []
    recording = True

    # The dialect's calls of the driver, as made: one statement, a batch, or no parameters.
    def one(_cursor: Any, statement: str, parameters: Any, _context: Any) -> None:
        if recording:
            sent.append(_Statement(statement, parameters, many=False, bare=False))

    def many(_cursor: Any, statement: str, parameters: Any, _context: Any) -> None:
        if recording:
            sent.append(_Statement(statement, parameters, many=True, bare=False))

    def bare(_cursor: Any, statement: str, _context: Any) -> None:
        if recording:
            sent.append(_Statement(statement, None, many=False, bare=True))

    event.listen(engine, "do_execute", one)
    event.listen(engine, "do_executemany", many)
    event.listen(engine, "do_execute_no_params", bare)
    try:
        build(engine)
    finally:
        recording = False
    if any(schema in s.sql or schema in repr(s.parameters) for s in sent):
        return ()
    return tuple(sent)


def _replay(engine: Engine, script: tuple[_Statement, ...]) -> None:
    """Send ``script`` into ``engine``'s schema in one transaction."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in script:
            if statement.many:
                cursor.executemany(statement.sql, statement.parameters)
            elif statement.bare:
                cursor.execute(statement.sql)
            else:
                cursor.execute(statement.sql, statement.parameters)
        cursor.close()
        raw.commit()
    finally:
        raw.close()
