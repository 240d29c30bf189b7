"""The demo's shares (RULES §14): Sofija Vītola shared her corrected BIO certificate with the
code below (``docs/samples/verifyShare.xml`` verifies it), and revoked an earlier share of it
(``docs/samples/revokeShare.xml`` revokes it again: a second revocation changes nothing).

A demo code is no secret: only the demo loads it, hashed with the key of the installation it
is loaded into (the keyed hash differs per installation; the code is the same).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from gateway.domain import shares as codes
from gateway.store import shares as store
from gateway.store.models import Share

DEMO_HOLDER = "32551280347"  # Sofija Vītola
DEMO_NUMBER = "2026/345016345164-BIO-1"
DEMO_CODE = "VPAS2S26DEMXSHARE7KEY"
"""Shown as ``VPAS2S2-6DEMXSH-ARE7KEY``; valid until :data:`DEMO_EXPIRES`."""
DEMO_REVOKED_CODE = "VPAS2S26DEMXREV9KED3Y"
DEMO_EXPIRES = date(2027, 9, 30)
_MADE = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def load_demo_shares(engine: Engine, key: bytes) -> int:
    """Make the demo's two shares unless they are there; how many were new."""
    made = 0
    with engine.begin() as conn:
        for code, revoked in ((DEMO_CODE, False), (DEMO_REVOKED_CODE, True)):
            hashed = codes.keyed_hash(key, code)
            if conn.scalar(select(Share.id).where(Share.code_hash == hashed)) is not None:
                continue
            share_id = store.create(conn, hashed, DEMO_HOLDER, DEMO_HOLDER, _MADE,
                                    DEMO_EXPIRES, [DEMO_NUMBER])
            if revoked:
                store.revoke(conn, DEMO_HOLDER, share_id, _MADE)
            made += 1
    return made
