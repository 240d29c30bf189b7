"""The state of one SOAP call as it passes through the gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.runtime import Runtime
from gateway.soap.envelope import Envelope
from gateway.soap.xroad import XRoadHeaders
from gateway.store.audit import AuditEntry


@dataclass
class Call:
    """One request: its checked envelope and headers, its audit entry, its outcome."""

    runtime: Runtime
    now: datetime
    audit: AuditEntry
    envelope: Envelope | None = None
    headers: XRoadHeaders | None = None

    @property
    def root(self) -> etree._Element:
        assert self.envelope is not None
        return self.envelope.payload.getroottree().getroot()

