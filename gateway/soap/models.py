"""spyne models of the published payloads; they mirror ``schemas/vpis.xsd`` element by element.

The schema is the contract: tests validate every answer spyne emits against it.
"""

from __future__ import annotations

from spyne import Array, ComplexModel, Decimal, Unicode

from gateway.ns import VPIS


class _Vpis(ComplexModel):  # type: ignore[misc]  # spyne is untyped
    __namespace__ = VPIS


class GetExamResults(_Vpis):
    """EP181 request wrapper."""

    __type_name__ = "getExamResults"
    _type_info = [("personalCode", Unicode(min_occurs=1, nillable=False))]


class ExamPart(_Vpis):
    __type_name__ = "part"
    _type_info = [("name", Unicode), ("percent", Decimal)]


class ExamResult(_Vpis):
    __type_name__ = "result"
    _type_info = [
        ("schoolYear", Unicode),
        ("sessionCode", Unicode),
        ("examCode", Unicode),
        ("examName", Unicode),
        ("totalPercent", Decimal),
        ("cefrLevel", Unicode(min_occurs=0)),
        ("parts", Array(ExamPart, member_name="part")),
    ]


class GetExamResultsResponse(_Vpis):
    """EP181 response wrapper; the signing step adds ``Id`` and ``ds:Signature``."""

    __type_name__ = "getExamResultsResponse"
    _type_info = [
        ("personalCode", Unicode),
        ("results", Array(ExamResult, member_name="result")),
    ]
