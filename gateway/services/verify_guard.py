"""Guessing is useless (RULES §14): after 3 failed verifications within 10 minutes from one
client, that client's verifications — by share code (``verifyShare``, the public page) and by
personal code (``verifyCertificate``) — are refused for 24 hours.

A client is an X-Road client (its identifier) or a web client (its address as the portal's
trusted-proxy rules give it, RULES §11); it is kept only as a keyed hash. A verification that
answers ``not_found`` is a failure; every other answer is not (the verifier knew the code).
The block is checked *before* anything is looked up, so a blocked client's answer is the same
whether its guess was right or wrong. The counts and blocks live in the database
(:mod:`gateway.store.verify_guard`), so every worker and instance keeps the same block.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from gateway.errors import VerificationBlocked
from gateway.store import verify_guard as store

FAILURES = 3
WINDOW = timedelta(minutes=10)
BLOCK = timedelta(hours=24)


def xroad_client(client: str) -> str:
    """The guard's name for an X-Road client ``INSTANCE/CLASS/MEMBER[/SUBSYSTEM]``."""
    return f"xroad\0{client}"


def web_client(address: str) -> str:
    """The guard's name for a web client's address."""
    return f"web\0{address}"


@dataclass(frozen=True, slots=True)
class VerifyGuard:
    """The failed-verification limit of every verification route, on one database."""

    engine: Engine
    secret: bytes
    clock: Callable[[], datetime]
    failures: int = FAILURES
    window: timedelta = WINDOW
    block: timedelta = BLOCK

    def __post_init__(self) -> None:
        if self.failures != 3:  # the store remembers two earlier failures: three in all
            raise ValueError("the verification guard counts exactly 3 failures")

    def _key(self, client: str) -> str:
        return hmac.new(self.secret, b"vpis-verify-guard\0" + client.encode("utf-8", "replace"),
                        hashlib.sha256).hexdigest()

    def check(self, client: str) -> None:
        """Refuse ``client`` while it is blocked (:class:`VerificationBlocked`)."""
        until = store.blocked_until(self.engine, self._key(client))
        if until is not None and until > self.clock():
            raise VerificationBlocked("blocked")

    def failed(self, client: str) -> None:
        """Count one failed verification of ``client``; the third within the window blocks
        it for :attr:`block`."""
        now = self.clock()
        store.record_failure(self.engine, self._key(client), now, now - self.window,
                             now + self.block)
