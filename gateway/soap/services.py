"""The spyne services: thin methods that read the call, run one plain function, build the answer.

Each method hands spyne the finished answer document (``ctx.out_document``, built by
:mod:`gateway.soap.answers`), which spyne sends as it is. Errors are not turned into faults
here: :meth:`VpisService.call_wrapper` hands every exception to the WSGI boundary
(``gateway.soap.app``), the one place where errors become faults.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree
from spyne import Fault, ServiceBase, rpc

from gateway.documents.issue import EDOC_MIME
from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.services import documents as ep226
from gateway.services.results import exam_results
from gateway.soap import answers
from gateway.soap import call as calls
from gateway.soap.call import Call
from gateway.soap.models import (
    GetDocument,
    GetExamResults,
    ListDocuments,
    RequestPaperCopy,
    SubmitDocumentApplication,
)


def _begin(ctx: Any, personal_code: str) -> tuple[Call, PersonalCode, PersonalCode]:
    """The call, its requester and its subject (noted in the audit record first)."""
    call = calls.current(ctx)
    assert call.headers is not None
    subject = parse_personal_code(personal_code)
    call.audit.subject_code = subject.digits
    return call, call.headers.requester, subject


def _answer(ctx: Any, call: Call, payload: etree._Element) -> None:
    """Give spyne the finished answer: the request's X-Road headers and the payload."""
    assert call.headers is not None
    ctx.out_document = answers.envelope(call.headers.elements, payload)


def _rpc(request: Any, name: str) -> Any:
    return rpc(request, _returns=None, _body_style="bare", _in_message_name=name,
               _out_message_name=f"{name}Response")


class VpisService(ServiceBase):  # type: ignore[misc]  # spyne is untyped
    """EP181 and EP226 over X-Road."""

    @classmethod
    def call_wrapper(cls, ctx: Any) -> Any:
        try:
            return super().call_wrapper(ctx)
        except Exception as exc:  # the boundary decides what the caller sees
            calls.current(ctx).error = exc
            raise Fault("Server") from None

    @_rpc(GetExamResults, "getExamResults")  # type: ignore[untyped-decorator]
    def getExamResults(ctx: Any, request: GetExamResults) -> None:
        call, requester, subject = _begin(ctx, request.personalCode)
        result = exam_results(call.runtime.access, requester, subject, call.now, call.audit)
        _answer(ctx, call, answers.exam_results(result))

    @_rpc(ListDocuments, "listDocuments")  # type: ignore[untyped-decorator]
    def listDocuments(ctx: Any, request: ListDocuments) -> None:
        call, requester, subject = _begin(ctx, request.personalCode)
        rows = ep226.list_documents(call.runtime.access, requester, subject, call.now,
                                    call.audit)
        _answer(ctx, call, answers.documents(subject.display, rows))

    @_rpc(GetDocument, "getDocument")  # type: ignore[untyped-decorator]
    def getDocument(ctx: Any, request: GetDocument) -> None:
        call, requester, subject = _begin(ctx, request.personalCode)
        runtime = call.runtime
        doc = ep226.get_document(runtime.access, runtime.issuer, requester, subject,
                                 request.documentNumber, call.now, call.audit)
        digest = hashlib.sha256(doc.content).hexdigest()
        _answer(ctx, call, answers.document(subject.display, doc, EDOC_MIME, digest))

    @_rpc(RequestPaperCopy, "requestPaperCopy")  # type: ignore[untyped-decorator]
    def requestPaperCopy(ctx: Any, request: RequestPaperCopy) -> None:
        call, requester, subject = _begin(ctx, request.personalCode)
        given = request.deliveryAddress
        address = ep226.Address(given.recipient, given.street, given.city, given.postalCode,
                                given.country)
        row, already = ep226.request_paper_copy(call.runtime.access, requester, subject,
                                                request.documentNumber, address, call.now,
                                                call.audit)
        _answer(ctx, call, answers.paper_copy(subject.display, request.documentNumber, row,
                                              already))

    @_rpc(SubmitDocumentApplication, "submitDocumentApplication")  # type: ignore[untyped-decorator]
    def submitDocumentApplication(ctx: Any, request: SubmitDocumentApplication) -> None:
        call, requester, subject = _begin(ctx, request.personalCode)
        application = ep226.submit_application(
            call.runtime.access, requester, subject, request.examCode, request.schoolYear,
            request.text, request.contactEmail, call.now, call.audit)
        _answer(ctx, call, answers.application(subject.display, application))
