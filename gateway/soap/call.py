"""The state of one SOAP call as it passes through the gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from gateway.runtime import Runtime
from gateway.soap.envelope import Envelope
from gateway.soap.xroad import XRoadHeaders
from gateway.store.audit import AuditEntry

ENVIRON_KEY = "vpis.call"


@dataclass
class Call:
    """One request: its checked envelope and headers, its audit entry, its outcome."""

    runtime: Runtime
    now: datetime
    audit: AuditEntry
    envelope: Envelope | None = None
    headers: XRoadHeaders | None = None
    error: BaseException | None = None

    @property
    def root(self) -> etree._Element:
        assert self.envelope is not None
        return self.envelope.payload.getroottree().getroot()


def current(ctx: Any) -> Call:
    """The :class:`Call` of a spyne method context."""
    call = ctx.transport.req_env[ENVIRON_KEY]
    assert isinstance(call, Call)
    return call
