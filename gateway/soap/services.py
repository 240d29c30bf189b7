"""The spyne services: thin methods that read the call, run one plain function, map the result.

Errors are not turned into faults here: :meth:`VpisService.call_wrapper` hands every exception
to the WSGI boundary (``gateway.soap.app``), the one place where errors become faults.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from spyne import Fault, ServiceBase, rpc

from gateway.documents.issue import EDOC_MIME
from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.services import documents as ep226
from gateway.services.results import exam_results
from gateway.soap import call as calls
from gateway.soap.call import Call
from gateway.soap.models import (
    DeliveryAddress,
    DocumentEntry,
    ExamPart,
    ExamResult,
    GetDocument,
    GetDocumentResponse,
    GetExamResults,
    GetExamResultsResponse,
    ListDocumentsResponse,
    PaperCopy,
    PersonRequest,
    RequestPaperCopy,
    RequestPaperCopyResponse,
    SubmitDocumentApplication,
    SubmitDocumentApplicationResponse,
)
from gateway.store.documents import PaperCopyRow


def _begin(ctx: Any, personal_code: str) -> tuple[Call, PersonalCode, PersonalCode]:
    """The call, its requester and its subject (noted in the audit record first)."""
    call = calls.current(ctx)
    assert call.headers is not None
    subject = parse_personal_code(personal_code)
    call.audit.subject_code = subject.digits
    return call, call.headers.requester, subject


def _paper(row: PaperCopyRow | None) -> PaperCopy | None:
    if row is None:
        return None
    return PaperCopy(requestId=row.request_id, status=row.status, requestedAt=row.requested_at)


def _percent(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


class VpisService(ServiceBase):  # type: ignore[misc]  # spyne is untyped
    """EP181 (and later EP226) over X-Road."""

    @classmethod
    def call_wrapper(cls, ctx: Any) -> Any:
        try:
            return super().call_wrapper(ctx)
        except Exception as exc:  # the boundary decides what the caller sees
            calls.current(ctx).error = exc
            raise Fault("Server") from None

    @rpc(  # type: ignore[untyped-decorator]
        GetExamResults,
        _returns=GetExamResultsResponse,
        _body_style="bare",
        _in_message_name="getExamResults",
        _out_message_name="getExamResultsResponse",
    )
    def getExamResults(ctx: Any, request: GetExamResults) -> GetExamResultsResponse:
        call, requester, subject = _begin(ctx, request.personalCode)
        runtime = call.runtime
        answer = exam_results(runtime.access, requester, subject, call.now, call.audit)
        return GetExamResultsResponse(
            personalCode=answer.subject.display,
            results=[
                ExamResult(
                    schoolYear=row.school_year,
                    sessionCode=row.session_code,
                    examCode=row.exam_code,
                    examName=row.exam_name,
                    totalPercent=_percent(row.total_percent),
                    cefrLevel=row.cefr_level,
                    parts=[ExamPart(name=n, percent=_percent(p)) for n, p in row.parts],
                )
                for row in answer.results
            ],
        )

    @rpc(  # type: ignore[untyped-decorator]
        PersonRequest,
        _returns=ListDocumentsResponse,
        _body_style="bare",
        _in_message_name="listDocuments",
        _out_message_name="listDocumentsResponse",
    )
    def listDocuments(ctx: Any, request: PersonRequest) -> ListDocumentsResponse:
        call, requester, subject = _begin(ctx, request.personalCode)
        rt = call.runtime
        rows = ep226.list_documents(rt.access, requester, subject, call.now, call.audit)
        return ListDocumentsResponse(
            personalCode=subject.display,
            documents=[
                DocumentEntry(
                    number=r.number,
                    kind=r.kind,
                    title=r.title,
                    issuedOn=r.issued_on,
                    examCode=r.exam_code,
                    examName=r.exam_name,
                    schoolYear=r.school_year,
                    paperCopy=_paper(r.paper_copy),
                )
                for r in rows
            ],
        )

    @rpc(  # type: ignore[untyped-decorator]
        GetDocument,
        _returns=GetDocumentResponse,
        _body_style="bare",
        _in_message_name="getDocument",
        _out_message_name="getDocumentResponse",
    )
    def getDocument(ctx: Any, request: GetDocument) -> GetDocumentResponse:
        call, requester, subject = _begin(ctx, request.personalCode)
        rt = call.runtime
        doc = ep226.get_document(
            rt.access, rt.issuer, requester, subject, request.documentNumber, call.now, call.audit
        )
        return GetDocumentResponse(
            personalCode=subject.display,
            documentNumber=doc.number,
            fileName=doc.file_name,
            mimeType=EDOC_MIME,
            content=[doc.content],
            sha256=hashlib.sha256(doc.content).hexdigest(),
        )

    @rpc(  # type: ignore[untyped-decorator]
        RequestPaperCopy,
        _returns=RequestPaperCopyResponse,
        _body_style="bare",
        _in_message_name="requestPaperCopy",
        _out_message_name="requestPaperCopyResponse",
    )
    def requestPaperCopy(ctx: Any, request: RequestPaperCopy) -> RequestPaperCopyResponse:
        call, requester, subject = _begin(ctx, request.personalCode)
        rt = call.runtime
        given: DeliveryAddress = request.deliveryAddress
        address = ep226.Address(
            given.recipient, given.street, given.city, given.postalCode, given.country
        )
        row, existing = ep226.request_paper_copy(
            rt.access, requester, subject, request.documentNumber, address, call.now, call.audit
        )
        return RequestPaperCopyResponse(
            personalCode=subject.display,
            documentNumber=request.documentNumber,
            paperCopy=_paper(row),
            alreadyRequested=existing,
        )

    @rpc(  # type: ignore[untyped-decorator]
        SubmitDocumentApplication,
        _returns=SubmitDocumentApplicationResponse,
        _body_style="bare",
        _in_message_name="submitDocumentApplication",
        _out_message_name="submitDocumentApplicationResponse",
    )
    def submitDocumentApplication(
        ctx: Any, request: SubmitDocumentApplication
    ) -> SubmitDocumentApplicationResponse:
        call, requester, subject = _begin(ctx, request.personalCode)
        rt = call.runtime
        application = ep226.submit_application(
            rt.access,
            requester,
            subject,
            request.examCode,
            request.schoolYear,
            request.text,
            request.contactEmail,
            call.now,
            call.audit,
        )
        return SubmitDocumentApplicationResponse(
            personalCode=subject.display,
            reference=application.reference,
            status=application.status,
            receivedAt=application.received_at,
        )
