"""Alembic environment: runs on the engine handed in by ``gateway.store.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from gateway.store.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through gateway.store.db.upgrade (no engine was given)")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
