"""What the portal's views share for one worker: the runtime's parts, the portal's settings,
and the one way a view decides and audits (RULES §7, §11).

A view reads its input, calls :meth:`Web.decide` with the service function's call, and renders
the decision. Refusals are raised as errors of :mod:`gateway.errors`; the audit step records
them and :mod:`gateway.portal.pages` turns them into pages. No view writes a record or builds
an error page of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from uuid import uuid4

from authlib.integrations.flask_client import OAuth
from flask import current_app, g, session

from gateway.errors import RateLimited
from gateway.portal.geo import CountryDatabase, IPNetwork
from gateway.portal.security import SharedLimit
from gateway.portal.settings import PortalSettings, Provider
from gateway.runtime import Runtime
from gateway.services.audited import AuditStep, Decision
from gateway.store import audit

D = TypeVar("D", bound=Decision)


@dataclass
class Web:
    """The portal of one worker."""

    runtime: Runtime
    settings: PortalSettings
    oauth: OAuth
    countries: CountryDatabase | None
    trusted: tuple[IPNetwork, ...]
    sign_ins: SharedLimit
    downloads: SharedLimit
    school_downloads: SharedLimit

    def __post_init__(self) -> None:
        self._step = AuditStep(self._write)

    def provider(self, name: str) -> Provider | None:
        return next((p for p in self.settings.providers if p.name == name), None)

    def _write(self, entries: Sequence[audit.AuditEntry]) -> None:
        with self.runtime.engine.begin() as conn:
            audit.insert_entries(conn, entries)

    def entry(self, service: str, requester: str | None, subject: str | None = None,
              client: str | None = None) -> audit.AuditEntry:
        """A record of this request with the portal as the client (RULES §7, §11), or
        ``client`` (the public verification page, RULES §14)."""
        return audit.AuditEntry(
            at=self.runtime.clock(), service=service, message_id=f"portal-{uuid4().hex}",
            client=client or self.settings.audit_client, requester_code=requester,
            subject_code=subject)

    def decide(self, service: str, requester: str | None, decide: Callable[[], D], *,
               subject: str | None = None, client: str | None = None) -> D:
        """``decide()`` for ``requester`` (``None``: an anonymous visitor) through the one
        audit step: allowed or refused, the record is committed before anything is sent."""
        return self._step.run(self.entry(service, requester, subject, client), decide)

    def record(self, service: str, requester: str, decisions: Sequence[Decision]) -> None:
        """Record decisions already made (a streamed ZIP's batch) in one commit."""
        self._step.record([(self.entry(service, requester), d) for d in decisions])

    def limit(self, limiter: SharedLimit) -> None:
        """Refuse the client over ``limiter``'s rate (:class:`RateLimited`)."""
        if not limiter.allow(g.client):
            raise RateLimited("rate")


def web() -> Web:
    """The current worker's portal."""
    found: Web = current_app.extensions["vpis_portal"]
    return found


def wall_clock() -> datetime:
    """Now, by the wall clock: sessions and limits run in real time, whatever the runtime's
    (possibly fixed, demo) clock says."""
    return datetime.fromtimestamp(time.time(), UTC)


def signed_in() -> str | None:
    """The signed-in person's 11 digits, or ``None``."""
    code = session.get("code")
    return code if isinstance(code, str) and len(code) == 11 and code.isdigit() else None
