"""What a gateway process holds for its whole life, built once at start-up and passed in.

The settings, the database engine, the register client (zeep parses its WSDL once) and the
signing key (loading an RSA key costs tens of milliseconds; signing a fraction of one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from gateway.registry.client import RegistryClient
from gateway.settings import Settings
from gateway.signing.keys import SigningKey, load_signer_key
from gateway.store.db import create_engine_for


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    """One process's long-lived parts."""

    settings: Settings
    engine: Engine
    registry: RegistryClient
    signer: SigningKey
    clock: Callable[[], datetime] = field(default=_utc_now)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Open the database, the register client and the signing key for ``settings``."""
        return cls(
            settings=settings,
            engine=create_engine_for(settings),
            registry=RegistryClient(settings),
            signer=load_signer_key(settings.signing, settings.data_dir),
        )

    def close(self) -> None:
        self.registry.close()
        self.engine.dispose()
