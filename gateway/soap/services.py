"""The spyne services: thin methods that read the call, run one plain function, map the result.

Errors are not turned into faults here: :meth:`VpisService.call_wrapper` hands every exception
to the WSGI boundary (``gateway.soap.app``), the one place where errors become faults.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from spyne import Fault, ServiceBase, rpc

from gateway.domain.personal_code import parse_personal_code
from gateway.services.results import exam_results
from gateway.soap import call as calls
from gateway.soap.models import (
    ExamPart,
    ExamResult,
    GetExamResults,
    GetExamResultsResponse,
)


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
        call = calls.current(ctx)
        assert call.headers is not None
        subject = parse_personal_code(request.personalCode)
        call.audit.subject_code = subject.digits
        runtime = call.runtime
        answer = exam_results(
            runtime.engine, runtime.registry, call.headers.requester, subject, call.now, call.audit
        )
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
