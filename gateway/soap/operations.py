"""The operation table: every X-Road operation the gateway publishes, declared once.

A row names the X-Road service code (the request element's name; the answer is
``<code>Response``), its English ``xrd:title`` as the WSDL has it, the reader of the request (a
tree already validated against ``schemas/vpis.xsd``), the plain service function that decides,
and the builder of the answer's payload. spyne's dispatch, the service codes that settings and
the allow-list accept, and the metrics' labels all come from here; a test checks that this
table, ``vpis.xsd`` and ``vpis.wsdl`` agree operation by operation.

Adding an operation: its elements in ``schemas/vpis.xsd`` and ``wsdl/vpis.wsdl``, one row here
(with a reader in :mod:`gateway.soap.requests` when its request has a new shape), one service
function in :mod:`gateway.services`, one answer builder in :mod:`gateway.soap.answers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.errors import ConfigurationError
from gateway.runtime import Runtime
from gateway.services import access_log as accesses
from gateway.services import appeals, verification
from gateway.services import documents as ep226
from gateway.services import report as viis
from gateway.services import results as ep181
from gateway.services.audited import Decision, record_decision
from gateway.settings import Settings
from gateway.soap import answers, answers_status, requests, requests_status
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
        """Read the request, decide, record the decision in ``audit``, build the answer."""
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


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "getExamResults",
        "Centralized exam results (EP181)",
        requests.subject,
        lambda rt, who, req, now: ep181.exam_results(rt.access, who, req.subject, now),
        answers.exam_results,
    ),
    Operation(
        "listDocuments",
        "Certificates and state-language proficiency documents (EP226)",
        requests.subject,
        lambda rt, who, req, now: ep226.list_documents(rt.access, who, req.subject, now),
        answers.documents,
    ),
    Operation(
        "getDocument",
        "Download an e-document (EP226)",
        requests.document,
        lambda rt, who, req, now: ep226.get_document(
            rt.access, rt.issuer, who, req.subject, req.number, now),
        answers.document,
    ),
    Operation(
        "requestPaperCopy",
        "Request a paper copy (EP226)",
        requests.paper_copy,
        lambda rt, who, req, now: ep226.request_paper_copy(
            rt.access, who, req.subject, req.number, req.address, now),
        answers.paper_copy,
    ),
    Operation(
        "submitDocumentApplication",
        "Application for a missing document (EP226)",
        requests.application,
        lambda rt, who, req, now: ep226.submit_application(
            rt.access, who, req.subject, req.exam_code, req.school_year, req.text, req.email,
            now),
        answers.application,
    ),
    Operation(
        "getInstitutionResults",
        "An institution's students' exam results (VIIS)",
        requests.institution,
        lambda rt, _who, req, now: viis.institution_results(
            rt.engine, req.institution, req.level, req.selection_date, now, after=req.after,
            page_size=req.page_size),
        answers.institution_results,
    ),
    Operation(
        "verifyCertificate",
        "Certificate verification (for third parties)",
        requests_status.verify,
        lambda rt, who, req, now: verification.verify_certificate(
            rt.engine, rt.verify_limit, req.client, req.number, req.subject, now),
        answers_status.verification,
    ),
    Operation(
        "getAccessLog",
        "Who looked at my data",
        requests_status.access_log,
        lambda rt, who, req, now: accesses.access_log(
            rt.access, rt.settings.client_kinds, who, req.subject, req.period, now,
            page_size=req.page_size, page=req.page),
        answers_status.access_log,
    ),
    Operation(
        "submitAppeal",
        "Appeal against a certificate",
        requests_status.appeal,
        lambda rt, who, req, now: appeals.submit_appeal(
            rt.access, rt.prison_register(), who, req.subject, req.number, req.text, now),
        answers_status.appeal,
    ),
)

BY_CODE: dict[str, Operation[Any, Any]] = {op.code: op for op in OPERATIONS}
SERVICE_CODES: tuple[str, ...] = tuple(BY_CODE)
"""The X-Road service codes the gateway publishes."""


def check_allow_list(settings: Settings) -> None:
    """Refuse an allow-list that names a service code the table does not publish."""
    unknown = sorted(set(settings.allowed_clients) - set(SERVICE_CODES))
    if unknown:
        raise ConfigurationError(
            f"refused settings: allowed_clients: unknown service code {unknown[0]!r} "
            f"(published: {', '.join(SERVICE_CODES)})"
        )
