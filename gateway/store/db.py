"""Engines, sessions and schema migrations.

SQLite is the embedded default (a file under the data directory, in WAL mode, foreign keys
on); PostgreSQL is selected by ``GATEWAY_DATABASE_URL``. ``init_database`` brings a database
to the newest Alembic revision.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import NullPool

from gateway.errors import DatabaseUnavailable
from gateway.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode across process crashes
    cursor.close()


def create_engine_from_url(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url`` with the gateway's per-dialect settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5.0})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0
"""A pooled connection that rested longer than this is pinged before it is handed out."""


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but only for a connection that rested in the pool longer
    than :data:`PING_AFTER_IDLE_SECONDS`: a dead one (the server restarted, a firewall dropped
    it) is then replaced before use, as the pool does for any connection whose check-out
    raises :class:`~sqlalchemy.exc.DisconnectionError`. Under load, when connections come back
    within milliseconds, no call pays the ping's round trip (two to four check-outs a call).
    A connection that dies while in use fails its statement; the pool then discards every
    connection older than the failure, so a database that restarts during load costs each
    worker one failed call."""

    @event.listens_for(engine, "checkin")
    def _rested_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since <= PING_AFTER_IDLE_SECONDS:
            return  # new, or back in the pool moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("pooled connection did not answer a ping") from exc


def reading(engine: Engine) -> Connection:
    """A connection for reads only, opening no transaction in the database: each statement
    reads the newest committed data by itself; nothing is written through it (writes use
    ``engine.begin()``). On PostgreSQL it is in autocommit, which spares the BEGIN and ROLLBACK
    round trips of a transaction (``python -m bench.read_bench``: about 25 % of a read's CPU
    and a third of its wall time). SQLite's driver opens no transaction for a SELECT anyway,
    and switching its mode per connection costs more than it saves, so there it is left."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def create_engine_for(settings: Settings) -> Engine:
    """The engine for the configured database."""
    return create_engine_from_url(
        settings.effective_database_url, pool_size=settings.database_pool_size
    )


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs the package's migrations on ``engine``."""
    from alembic.config import Config  # only where migrations run: a worker never needs it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def init_database(settings: Settings) -> str:
    """Create or migrate the configured database to the newest schema; return its URL."""
    url = settings.effective_database_url
    engine = create_engine_for(settings)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


def shown_url(url: str) -> str:
    """A database URL without its password, fit for a message."""
    return make_url(url).render_as_string(hide_password=True)


def database_refusal(exc: DBAPIError, url: str | None) -> DatabaseUnavailable:
    """The one-line refusal for a database that failed: the driver's first line, the URL."""
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
    return DatabaseUnavailable(
        f"the database cannot be used ({first})",
        shown_url(url) if url else "database_url",
        "check database_url (GATEWAY_DATABASE_URL), that the server runs and answers, and "
        "that `gateway init` has made the schema",
    )


def check_database(settings: Settings, *, existing: bool = False) -> None:
    """Refuse a database the command cannot use, before it writes anything.

    ``existing``: the command only reads (``audit``, ``report``), so the database must already
    hold the schema; an SQLite file is never created for it. Otherwise (``init``, ``import``,
    ``demo``, ``serve``) a PostgreSQL server must answer, and SQLite's folder must be there or
    makeable. Raises :class:`~gateway.errors.DatabaseUnavailable`."""
    url = settings.effective_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if existing and not path.is_file():
            raise DatabaseUnavailable(
                "no database here yet", f"{path} (data_dir {settings.data_dir})",
                "run `gateway init` first, or name the right settings file with --config")
        if not existing:
            folder = path.parent
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent
            if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
                raise DatabaseUnavailable(
                    "the data folder cannot be written", f"{path.parent} (data_dir)",
                    "set data_dir to a folder this user may write, or create it")
            if not path.exists():
                return
    connect_args: dict[str, Any] = (
        {"timeout": 5.0} if parsed.get_backend_name() == "sqlite" else {"connect_timeout": 5}
    )
    engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            if existing and not inspect(connection).has_table("alembic_version"):
                raise DatabaseUnavailable(
                    "the database has no schema yet", shown_url(url),
                    "run `gateway init` first, or name the right settings file with --config")
    except DBAPIError as exc:
        raise database_refusal(exc, url) from None
    finally:
        engine.dispose()
