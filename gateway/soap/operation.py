"""One published X-Road operation: how a request becomes a decision and the decision an answer.

An :class:`Operation` names the X-Road service code (the request element's name; the answer is
``<code>Response``), its English ``xrd:title`` as the WSDL has it, the reader of the request (a
tree already validated against ``schemas/vpis.xsd``), the plain service function that decides,
and the builder of the answer's payload. The adapters of :mod:`gateway.soap.adapters` declare
them; :mod:`gateway.soap.operations` is the table of all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.runtime import Runtime
from gateway.services.audited import Decision, record_decision
from gateway.store.audit import AuditEntry


class Request(Protocol):
    """A request names its subject (``personalCode``), unless it is about many persons."""

    @property
    def subject(self) -> PersonalCode | None: ...


class NeedsClient(Protocol):
    """A request whose decision depends on the calling X-Road client (verifyCertificate's
    per-client limit): :meth:`Operation.perform` hands it the client the headers named."""

    def with_client(self, client: str) -> Any: ...


Req = TypeVar("Req", bound=Request)
Res = TypeVar("Res", bound=Decision)


@dataclass(frozen=True, slots=True)
class Operation(Generic[Req, Res]):
    """One published operation."""

    code: str
    title: str
    read: Callable[[etree._Element], Req]
    serve: Callable[[Runtime, PersonalCode, Req, datetime], Res]
    answer: Callable[[Res], etree._Element]

    def perform(self, runtime: Runtime, requester: PersonalCode, payload: etree._Element,
                now: datetime, audit: AuditEntry) -> etree._Element:
        """Read the request, decide, record the decision in ``audit`` (the one audit step,
        :mod:`gateway.services.audited`), build the answer."""
        request = self.read(payload)
        # Not isinstance(request, NeedsClient): a runtime-checkable protocol's check walks its
        # members on every call, and this runs on every request.
        with_client = getattr(request, "with_client", None)
        if with_client is not None:
            request = with_client(audit.client or "")
        if request.subject is not None:  # before deciding: refusals carry it too
            audit.subject_code = request.subject.digits
        result = self.serve(runtime, requester, request, now)
        record_decision(audit, result)
        return self.answer(result)
