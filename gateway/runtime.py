"""What a gateway process holds for its whole life, built once at start-up and passed in.

The settings, the database engine, the register clients (each prepares its request template
once and keeps its connection pool), the signing key (loading an RSA key costs tens of
milliseconds; signing a fraction of one) and the document issuer with VISC's e-seal key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine

from gateway import slots
from gateway.documents.issue import DocumentIssuer
from gateway.registry.client import RegistryClient
from gateway.registry.prison_client import PrisonClient
from gateway.services.access import Access
from gateway.services.verification import VerifyLimit
from gateway.services.verify_guard import VerifyGuard
from gateway.settings import Settings
from gateway.signing.keys import SigningKey, load_signer_key
from gateway.signing.sealer import load_sealer
from gateway.signing.share_key import load_share_key
from gateway.store.db import create_engine_for


def _utc_now() -> datetime:
    return datetime.now(UTC)


def verify_url_of(settings: Settings) -> str:
    """The public verification page's address (RULES §14): ``verify_url``, or ``/verify``
    beside the portal."""
    return settings.verify_url or public_verify_url(settings.portal.public_url)


def public_verify_url(portal_url: str) -> str:
    """``/verify`` on the portal's host: ``https://eksameni.gov.lv/portal/`` →
    ``https://eksameni.gov.lv/verify``."""
    parts = urlsplit(portal_url)
    return urlunsplit((parts.scheme, parts.netloc, "/verify", "", ""))


def clock_for(settings: Settings) -> Callable[[], datetime]:
    """The gateway's clock: the system's, or one started at ``settings.clock_start``.

    A started clock runs on in real time from the moment it is made (monotonically), so that
    audit records keep their order; only the demo and the tests set one (production refuses
    it, :mod:`gateway.production`).
    """
    start = settings.clock_start
    if start is None:
        return _utc_now
    began = time.monotonic()
    return lambda: start.astimezone(UTC) + timedelta(seconds=time.monotonic() - began)


@dataclass
class Runtime:
    """One process's long-lived parts."""

    settings: Settings
    engine: Engine
    registry: RegistryClient
    signer: SigningKey
    issuer: DocumentIssuer
    clock: Callable[[], datetime] = field(default=_utc_now)
    prison: PrisonClient | None = None
    """The Prison Administration's register (appeals by resocialisation officials)."""

    @cached_property
    def access(self) -> Access:
        """What the e-services need to decide who may see whose data."""
        return Access(
            engine=self.engine,
            registry=self.registry,
            subject_limit=self.settings.subject_limit,
            subject_window=timedelta(hours=self.settings.subject_window_hours),
        )

    @cached_property
    def verify_limit(self) -> VerifyLimit:
        """How many verifications one verifier client may make per window (RULES §13)."""
        return VerifyLimit(limit=self.settings.verify_limit,
                           window=timedelta(minutes=self.settings.verify_window_minutes))

    @cached_property
    def share_key(self) -> bytes:
        """The key of the share codes' keyed hashes (RULES §14), read once."""
        return load_share_key(self.settings.share_key_file, self.settings.data_dir)

    @cached_property
    def verify_guard(self) -> VerifyGuard:
        """The failed-verification limit of every verification route (RULES §14), on the wall
        clock: a block lasts 24 real hours whatever the (demo) clock says."""
        return VerifyGuard(self.engine, self.share_key, _utc_now)

    @property
    def verify_url(self) -> str:
        """The public verification page's address (RULES §14)."""
        return verify_url_of(self.settings)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Open the database, the register client and the signing key for ``settings``."""
        slots.configure(settings.cpu_slots)
        return cls(
            settings=settings,
            engine=create_engine_for(settings),
            registry=RegistryClient(settings),
            signer=load_signer_key(settings.signing, settings.data_dir),
            # An e-seal's signing time is the real one, as is the validity of the keys sealing.
            issuer=DocumentIssuer(load_sealer(settings.signing, settings.data_dir), _utc_now,
                                  verify_url=verify_url_of(settings)),
            clock=clock_for(settings),
            prison=PrisonClient(settings),
        )

    def prison_register(self) -> PrisonClient:
        """The prison register client, made on first use when not built with the runtime."""
        if self.prison is None:
            self.prison = PrisonClient(self.settings)
        return self.prison

    def close(self) -> None:
        self.registry.close()
        if self.prison is not None:
            self.prison.close()
        self.engine.dispose()
