"""Rate limits shared by every worker and instance on one database (issue 23).

Events are counted per (scope, key) in fixed windows; a limit looks at the current window and
the previous one weighted by how much of it still lies inside the sliding window, the usual
sliding-window estimate. The count is raised by one atomic ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` on SQLite and PostgreSQL alike, so concurrent requests each see their own count and
the limit holds across processes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.store.models import RateCounter

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _window_start(now: datetime, window: timedelta) -> datetime:
    return EPOCH + ((now - EPOCH) // window) * window


def allow(engine: Engine, scope: str, key: str, limit: int, window: timedelta,
          now: datetime) -> bool:
    """Count one event of ``scope`` for ``key`` at ``now``; whether it is within ``limit``
    events per sliding ``window``. A refused event is counted too (a client that keeps
    trying stays refused)."""
    start = _window_start(now, window)
    previous_start = start - window
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateCounter).values(scope=scope, key=key, window_start=start, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "key", "window_start"],
        set_={"count": RateCounter.count + 1},
    ).returning(RateCounter.count)
    with engine.begin() as conn:
        current = int(conn.execute(stmt).scalar_one())
        earlier = conn.scalar(select(RateCounter.count).where(
            RateCounter.scope == scope, RateCounter.key == key,
            RateCounter.window_start == previous_start)) or 0
        if current == 1:  # the key's first event in this window: sweep what no limit reads
            conn.execute(delete(RateCounter).where(RateCounter.scope == scope,
                                                   RateCounter.window_start < previous_start))
    weight = 1 - (now - start) / window
    return (current - 1) + earlier * weight < limit
