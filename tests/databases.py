"""Databases built once per test process and copied for each test that asks for one.

Running Alembic's migrations (and importing the demo data) for every test that needs a
database cost more than most of those tests themselves. Here the first test that asks for a
kind of database (:data:`MIGRATED`: the newest schema, empty; :data:`DEMO`: that and the demo
data set) has it built for real, by ``upgrade`` and ``import_file``; every test still gets a
database of its own, a copy of that build:

- SQLite: the built file, copied to the test's path (written by nobody else);
- PostgreSQL: the build is made once in a template schema, and the statements it sent are
  recorded; a copy is a schema into which they are sent again, in order and with the same
  parameters. A copy is lent to one test at a time under the test's own schema name (renamed;
  nothing else uses it meanwhile). When the test ends (``fresh_pg_schema``), :func:`release`
  takes it back if its structure is still the template's, makes its rows and sequences the
  template's again, and keeps it for the next test; else it is dropped. Creating and dropping
  a dozen tables per test cost PostgreSQL more than the tests' own statements.

A database that is not empty is built for real instead (as before: ``upgrade`` and the import
are idempotent). ``tests/test_databases.py`` checks that a copy equals a direct build, schema,
rows and sequences, on both databases, also after a test wrote to it and gave it back, and
that a copy whose structure a test changed is not lent again.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

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


_lock = threading.RLock()
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


@dataclass
class _PgKind:
    """One kind of database on PostgreSQL: its pristine build, and copies ready to lend."""

    template: str
    """The schema of the real build: never lent, the rows every copy is refilled from."""
    script: tuple[_Statement, ...]
    """What the build sent (empty: copies are built for real)."""
    fingerprint: str
    refill: str
    """Makes a lent schema's rows and sequences the template's (``@SCHEMA@``: the lent one)."""
    idle: list[str]


_pg_kinds: dict[str, _PgKind] = {}
_lent: dict[str, str] = {}
"""Schemas filled from a copy, lent to a test: name -> kind."""
_SCHEMA = "@SCHEMA@"

_FINGERPRINT = text("""
SELECT md5(coalesce(string_agg(replace(item, :s, '~'), E'\\n' ORDER BY item), '')) FROM (
  SELECT 'r ' || c.relname || ' ' || c.relkind::text AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s
  UNION ALL
  SELECT 'a ' || c.relname || ' ' || a.attnum || ' ' || a.attname || ' '
         || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
         || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = :s AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'c ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
    FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = :s
  UNION ALL
  SELECT 'i ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s
  UNION ALL
  SELECT 't ' || pg_get_triggerdef(tg.oid)
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND NOT tg.tgisinternal
  UNION ALL
  SELECT 'y ' || t.typname || ' ' || t.typtype::text
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = :s
  UNION ALL
  SELECT 'f ' || p.proname || ' ' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :s
) AS items
""")
"""The schema's structure in one value: relations, columns (in order), constraints, indexes,
triggers, types, functions; the schema's own name left out."""


def _fingerprint(conn: Connection, schema: str) -> str:
    return str(conn.execute(_FINGERPRINT, {"s": schema}).scalar_one())


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _url_for_schema(url: str, schema: str) -> str:
    """``url`` with its search_path set to ``schema`` instead."""
    parsed = make_url(url)
    options = re.sub(r"-csearch_path=\S+", "", str(parsed.query.get("options", ""))).strip()
    options = f"{options} -csearch_path={schema}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _new_schema(engine: Engine, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {_quoted(name)}")
    _made_schemas.append((engine.url.render_as_string(hide_password=False), name))
    return name


_made_schemas: list[tuple[str, str]] = []


@atexit.register
def _drop_made_schemas() -> None:
    """The templates and the idle copies go when the process ends (a lent one is the test's:
    its fixture drops it or gives it back)."""
    lent = set(_lent)
    for url, name in _made_schemas:
        if name in lent or not any(name == k.template or name in k.idle
                                   for k in _pg_kinds.values()):
            continue
        engine = create_engine_from_url(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_quoted(name)} CASCADE")
        except Exception:  # noqa: S110  # a server gone at exit leaves a schema, nothing else
            pass
        finally:
            engine.dispose()


def _kind_on_postgresql(engine: Engine, url: str, kind: str,
                        build: Callable[[Engine], None]) -> _PgKind:
    known = _pg_kinds.get(kind)
    if known is not None:
        return known
    template = _new_schema(engine, f"gw_template_{kind}")
    built = create_engine_from_url(_url_for_schema(url, template))
    try:
        script = _record(built, build)
        metadata = MetaData()
        metadata.reflect(built)
        order = [table.name for table in metadata.sorted_tables]
        with built.connect() as conn:
            fingerprint = _fingerprint(conn, template)
            sequences = [
                (name, *conn.execute(text(
                    f"SELECT last_value, is_called FROM {_quoted(template)}.{_quoted(name)}"  # noqa: S608
                )).one())
                for name in conn.execute(text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = :s ORDER BY 1"),
                    {"s": template}).scalars()
            ]
    finally:
        built.dispose()
    # Identifiers only, quoted; the names are the database's own and ours.
    lent = _quoted(_SCHEMA)
    refill = [f"DELETE FROM {lent}.{_quoted(table)}"  # noqa: S608
              for table in reversed(order)]
    refill += [f"INSERT INTO {lent}.{_quoted(table)} SELECT * FROM "  # noqa: S608
               f"{_quoted(template)}.{_quoted(table)}" for table in order]
    refill += [f"SELECT setval('{lent}.{_quoted(name)}', {int(last)}, {bool(called)})"
               for name, last, called in sequences]
    made = _PgKind(template, script, fingerprint, ";\n".join(refill), [])
    _pg_kinds[kind] = made
    return made


def _prepare_postgresql(url: str, kind: str, build: Callable[[Engine], None]) -> None:
    """Lend the test a copy of ``kind``: an idle one, or a new one (the build's statements
    replayed), renamed to the test's empty schema, which it replaces."""
    engine = create_engine_from_url(url)
    try:
        schema = _search_path(engine)
        if not _is_empty(engine):
            build(engine)
            return
        with _lock:
            pg = _kind_on_postgresql(engine, url, kind, build)
            if pg.idle:
                copy = pg.idle.pop()
            else:
                copy = _new_schema(engine, "gw_copy")
                filled = create_engine_from_url(_url_for_schema(url, copy))
                try:
                    if pg.script:
                        _replay(filled, pg.script)
                    else:
                        build(filled)
                finally:
                    filled.dispose()
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {_quoted(schema)}")
                conn.exec_driver_sql(f"ALTER SCHEMA {_quoted(copy)} RENAME TO {_quoted(schema)}")
            _lent[schema] = kind
    finally:
        engine.dispose()


def release(url: str, schema: str) -> bool:
    """Take back ``schema`` (named by ``url``) if :func:`prepare` lent it: its rows and
    sequences made the template's again, it waits for the next test. Not when its structure
    is no longer the template's (the test changed it), nor when it cannot be refilled at once;
    then the caller drops it. Whether it was taken back."""
    with _lock:
        kind = _lent.pop(schema, None)
        if kind is None:
            return False
        pg = _pg_kinds[kind]
        engine = create_engine_from_url(url)
        try:
            idle = f"gw_copy_{uuid.uuid4().hex[:12]}"
            with engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                if _fingerprint(conn, schema) != pg.fingerprint:
                    return False
                conn.exec_driver_sql(pg.refill.replace(_SCHEMA, schema))
                conn.exec_driver_sql(f"ALTER SCHEMA {_quoted(schema)} RENAME TO {_quoted(idle)}")
        except SQLAlchemyError:
            return False
        finally:
            engine.dispose()
        _made_schemas.append((url, idle))
        pg.idle.append(idle)
        return True


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
