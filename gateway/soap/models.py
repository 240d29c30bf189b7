"""spyne models of the request payloads; they mirror ``schemas/vpis.xsd``.

Requests are validated against the schema before spyne reads them; answers are built by
:mod:`gateway.soap.answers`, and tests validate them against the same schema.
"""

from __future__ import annotations

from spyne import ComplexModel, Unicode

from gateway.ns import VPIS


class _Vpis(ComplexModel):  # type: ignore[misc]  # spyne is untyped
    __namespace__ = VPIS


def _required() -> Unicode:
    return Unicode(min_occurs=1, nillable=False)


class GetExamResults(_Vpis):
    """EP181 ``getExamResults``."""

    __type_name__ = "getExamResults"
    _type_info = [("personalCode", _required())]


class ListDocuments(_Vpis):
    """EP226 ``listDocuments``."""

    __type_name__ = "listDocuments"
    _type_info = [("personalCode", _required())]


class GetDocument(_Vpis):
    """EP226 ``getDocument``."""

    __type_name__ = "getDocument"
    _type_info = [("personalCode", _required()), ("documentNumber", _required())]


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
    """EP226 ``requestPaperCopy``."""

    __type_name__ = "requestPaperCopy"
    _type_info = [
        ("personalCode", _required()),
        ("documentNumber", _required()),
        ("deliveryAddress", DeliveryAddress),
    ]


class SubmitDocumentApplication(_Vpis):
    """EP226 ``submitDocumentApplication``."""

    __type_name__ = "submitDocumentApplication"
    _type_info = [
        ("personalCode", _required()),
        ("examCode", Unicode(min_occurs=0)),
        ("schoolYear", Unicode),
        ("text", Unicode),
        ("contactEmail", Unicode),
    ]
