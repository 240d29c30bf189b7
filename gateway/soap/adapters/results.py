"""EP181 over X-Road: ``getExamResults`` (RULES §4)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from gateway.services import results as ep181
from gateway.soap import payloads as x
from gateway.soap.operation import Operation


def exam_results(answer: ep181.ExamResults) -> etree._Element:
    """``getExamResultsResponse``."""
    element = x.payload("getExamResultsResponse", answer.subject.display)
    results = etree.SubElement(element, x.q("results"))
    for row in answer.results:
        result = etree.SubElement(results, x.q("result"))
        x.exam_result(result, row)
        x.parts(result, row.parts)
    return element


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        "getExamResults",
        "Centralized exam results (EP181)",
        x.subject,
        lambda rt, who, req, now: ep181.exam_results(rt.access, who, req.subject, now),
        exam_results,
    ),
)
