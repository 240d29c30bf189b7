"""VIIS over X-Road: ``getInstitutionResults``, a school's report a page at a time (RULES §12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from gateway.domain.personal_code import display
from gateway.services import report as viis
from gateway.soap import payloads as x
from gateway.soap.operation import Operation

DEFAULT_PAGE = 200
"""Results per page when the request names none."""


@dataclass(frozen=True, slots=True)
class InstitutionRequest:
    """``getInstitutionResults``: one page of a school's report; about many persons."""

    institution: str
    level: str
    selection_date: date
    page_size: int
    after: int

    @property
    def subject(self) -> None:
        return None


def institution_request(payload: etree._Element) -> InstitutionRequest:
    page_size = x.optional(payload, "pageSize")
    token = x.optional(payload, "pageToken")
    return InstitutionRequest(
        x.text(payload, "institutionCode"),
        x.text(payload, "educationType"),
        date.fromisoformat(x.text(payload, "selectionDate").strip()[:10]),
        int(page_size) if page_size else DEFAULT_PAGE,
        int(token) if token else 0,
    )


def institution_results(answer: viis.InstitutionResults) -> etree._Element:
    """``getInstitutionResultsResponse``: one page of the report."""
    element = x.payload("getInstitutionResultsResponse")
    x.add(element, "institutionCode", answer.institution)
    x.add(element, "institutionName", answer.institution_name)
    x.add(element, "educationType", answer.level)
    x.add(element, "selectionDate", x.day(answer.selection_date))
    results = etree.SubElement(element, x.q("results"))
    for row in answer.rows:
        result = etree.SubElement(results, x.q("result"))
        x.add(result, "personalCode", display(row.personal_code))
        x.add(result, "givenName", row.given_name)
        x.add(result, "familyName", row.family_name)
        x.exam_result(result, row)
        x.add(result, "passed", "true" if row.passed else "false")
        x.parts(result, row.parts)
    if answer.next_after is not None:
        x.add(element, "nextPageToken", str(answer.next_after))
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "getInstitutionResults",
        "An institution's students' exam results (VIIS)",
        institution_request,
        lambda rt, _who, req, now: viis.institution_results(
            rt.engine, req.institution, req.level, req.selection_date, now, after=req.after,
            page_size=req.page_size),
        institution_results,
    ),
)
