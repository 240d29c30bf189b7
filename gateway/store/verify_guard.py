"""Failed verifications per client and their blocks (RULES §14), shared by every worker and
instance on the database.

One row per client. A failure is recorded by one atomic ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` (SQLite and PostgreSQL alike): it shifts the latest failure time into ``previous``,
sets ``latest`` to now, and — when the old ``previous`` lies within the window, so that this
is the third failure inside it — sets ``blocked_until``. The SET expressions read the row as
it was before the update, and the conflicting row is locked, so concurrent failures from two
instances each see the other's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, case, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.store.models import VerifyGuard
from gateway.store.types import UtcDateTime


def blocked_until(engine: Engine, key: str) -> datetime | None:
    """The end of ``key``'s block, if it was ever blocked."""
    with engine.connect() as conn:
        value: datetime | None = conn.scalar(
            select(VerifyGuard.blocked_until).where(VerifyGuard.key == key))
        conn.rollback()
    return value


def record_failure(engine: Engine, key: str, now: datetime, since: datetime,
                   until: datetime) -> datetime | None:
    """Record a failed verification of ``key`` at ``now``; block it until ``until`` when its
    two failures before this one are both at or after ``since``. Its block's end, if any."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(VerifyGuard).values(key=key, latest=now, previous=None,
                                              blocked_until=None)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "previous": VerifyGuard.latest,
            "latest": literal(now, UtcDateTime()),
            "blocked_until": case(
                (VerifyGuard.previous >= literal(since, UtcDateTime()),
                 literal(until, UtcDateTime())),
                else_=VerifyGuard.blocked_until),
        },
    ).returning(VerifyGuard.blocked_until)
    with engine.begin() as conn:
        value: datetime | None = conn.execute(stmt).scalar_one()
    return value
