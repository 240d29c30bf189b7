"""Server-side portal sessions (issue 23; OWASP ASVS v5 V7): the sealed cookie carries a random
session id, and the session lives only while its row does.

A row ends at sign-out (deleted), after ``idle`` without a request, and at its absolute
``expires_at`` — for every copy of the cookie at once. Each sign-in makes a new id (no
fixation). Rows are keyed by the id's SHA-256, so the table lets nobody act as anyone.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from gateway.store.models import PortalSession

SEEN_EVERY = timedelta(seconds=30)
"""A live session's ``seen_at`` is written at most this often (not on every request)."""


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii", "replace")).hexdigest()


def start(engine: Engine, now: datetime, lifetime: timedelta, idle: timedelta,
          previous: str | None = None) -> str:
    """A new session id, valid until ``now + lifetime``; ``previous`` (the browser's earlier
    session, if any) ends. Ended and expired rows are swept on the way."""
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        if previous:
            conn.execute(delete(PortalSession).where(PortalSession.id == _key(previous)))
        conn.execute(delete(PortalSession).where(
            (PortalSession.expires_at <= now) | (PortalSession.seen_at < now - idle)))
        conn.execute(insert(PortalSession).values(
            id=_key(session_id), created_at=now, seen_at=now, expires_at=now + lifetime))
    return session_id


def alive(engine: Engine, session_id: object, now: datetime, idle: timedelta) -> bool:
    """Whether ``session_id`` names a live session at ``now``; notes that it was seen."""
    if not isinstance(session_id, str) or not 20 <= len(session_id) <= 64:
        return False
    key = _key(session_id)
    with engine.connect() as conn:
        row = conn.execute(select(PortalSession.seen_at, PortalSession.expires_at)
                           .where(PortalSession.id == key)).first()
        if row is None or now >= row.expires_at or now - row.seen_at > idle:
            return False
        if now - row.seen_at >= SEEN_EVERY:
            conn.execute(update(PortalSession).where(PortalSession.id == key)
                         .values(seen_at=now))
            conn.commit()
    return True


def end(engine: Engine, session_id: object) -> None:
    """End the session ``session_id`` for every copy of its cookie."""
    if isinstance(session_id, str):
        with engine.begin() as conn:
            conn.execute(delete(PortalSession).where(PortalSession.id == _key(session_id)))
