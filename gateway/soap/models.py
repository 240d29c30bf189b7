"""spyne models of the published payloads; they mirror ``schemas/vpis.xsd`` element by element.

The schema is the contract: tests validate every answer spyne emits against it.
"""

from __future__ import annotations

from spyne import Array, Boolean, ByteArray, ComplexModel, Date, DateTime, Decimal, Long, Unicode

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


# EP226


class PersonRequest(_Vpis):
    __type_name__ = "listDocuments"
    _type_info = [("personalCode", Unicode(min_occurs=1, nillable=False))]


class PaperCopy(_Vpis):
    __type_name__ = "PaperCopy"
    _type_info = [("requestId", Long), ("status", Unicode), ("requestedAt", DateTime)]


class DocumentEntry(_Vpis):
    __type_name__ = "document"
    _type_info = [
        ("number", Unicode),
        ("kind", Unicode),
        ("title", Unicode),
        ("issuedOn", Date),
        ("examCode", Unicode(min_occurs=0)),
        ("examName", Unicode(min_occurs=0)),
        ("schoolYear", Unicode(min_occurs=0)),
        ("paperCopy", PaperCopy.customize(min_occurs=0)),
    ]


class ListDocumentsResponse(_Vpis):
    __type_name__ = "listDocumentsResponse"
    _type_info = [
        ("personalCode", Unicode),
        ("documents", Array(DocumentEntry, member_name="document")),
    ]


class GetDocument(_Vpis):
    __type_name__ = "getDocument"
    _type_info = [
        ("personalCode", Unicode(min_occurs=1, nillable=False)),
        ("documentNumber", Unicode(min_occurs=1, nillable=False)),
    ]


class GetDocumentResponse(_Vpis):
    __type_name__ = "getDocumentResponse"
    _type_info = [
        ("personalCode", Unicode),
        ("documentNumber", Unicode),
        ("fileName", Unicode),
        ("mimeType", Unicode),
        ("content", ByteArray),
        ("sha256", Unicode),
    ]


class DeliveryAddress(_Vpis):
    __type_name__ = "DeliveryAddress"
    _type_info = [
        ("recipient", Unicode),
        ("street", Unicode),
        ("city", Unicode),
        ("postalCode", Unicode),
        ("country", Unicode),
    ]


class RequestPaperCopy(_Vpis):
    __type_name__ = "requestPaperCopy"
    _type_info = [
        ("personalCode", Unicode(min_occurs=1, nillable=False)),
        ("documentNumber", Unicode(min_occurs=1, nillable=False)),
        ("deliveryAddress", DeliveryAddress),
    ]


class RequestPaperCopyResponse(_Vpis):
    __type_name__ = "requestPaperCopyResponse"
    _type_info = [
        ("personalCode", Unicode),
        ("documentNumber", Unicode),
        ("paperCopy", PaperCopy),
        ("alreadyRequested", Boolean),
    ]


class SubmitDocumentApplication(_Vpis):
    __type_name__ = "submitDocumentApplication"
    _type_info = [
        ("personalCode", Unicode(min_occurs=1, nillable=False)),
        ("examCode", Unicode(min_occurs=0)),
        ("schoolYear", Unicode),
        ("text", Unicode),
        ("contactEmail", Unicode),
    ]


class SubmitDocumentApplicationResponse(_Vpis):
    __type_name__ = "submitDocumentApplicationResponse"
    _type_info = [
        ("personalCode", Unicode),
        ("reference", Unicode),
        ("status", Unicode),
        ("receivedAt", DateTime),
    ]
