"""Reading request payloads and building answer payloads, as ``schemas/vpis.xsd`` has them.

Requests arrive as trees already validated against the schema, so every required element is
there and every value has its type. Answers are built directly with lxml and handed to spyne as
finished documents: spyne's generic serialiser cost more than the rest of a request together,
and the tests validate every answer against the schema, so the contract holds either way. The
adapters of :mod:`gateway.soap.adapters` use these helpers, one module per e-service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from lxml import etree

from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.ns import VPIS

NSMAP = {"vpis": VPIS}


# -- requests


def text(parent: etree._Element, name: str) -> str:
    """The text of the child ``name`` ("" when it is absent or empty)."""
    return parent.findtext(f"{{{VPIS}}}{name}") or ""


def optional(parent: etree._Element, name: str) -> str | None:
    """The text of the child ``name``, or ``None`` when it is absent."""
    return parent.findtext(f"{{{VPIS}}}{name}")


def subject_of(payload: etree._Element) -> PersonalCode:
    """The subject every request names first (``personalCode``); raises if it is invalid."""
    return parse_personal_code(text(payload, "personalCode"))


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    """A request that names whose data and nothing more (``getExamResults``, …)."""

    subject: PersonalCode


def subject(payload: etree._Element) -> SubjectRequest:
    return SubjectRequest(subject_of(payload))


# -- answers


def q(name: str) -> str:
    """The Clark name of ``name`` in our namespace."""
    return f"{{{VPIS}}}{name}"


def add(parent: etree._Element, name: str, value: str) -> etree._Element:
    """A child ``name`` of ``parent`` with the text ``value``."""
    child = etree.SubElement(parent, q(name))
    child.text = value
    return child


def percent(value: float) -> str:
    return str(round(value, 2))


def instant(value: datetime) -> str:
    return value.isoformat()


def day(value: date) -> str:
    return value.isoformat()


def payload(name: str, subject_display: str | None = None) -> etree._Element:
    """An answer's payload element, starting with the subject's code when it has one."""
    element = etree.Element(q(name), nsmap=NSMAP)
    if subject_display is not None:
        add(element, "personalCode", subject_display)
    return element


def parts(parent: etree._Element, scores: Iterable[tuple[str, float]]) -> None:
    """An exam result's parts in the exam's order."""
    element = etree.SubElement(parent, q("parts"))
    for name, score in scores:
        part = etree.SubElement(element, q("part"))
        add(part, "name", name)
        add(part, "percent", percent(score))


class ExamRow(Protocol):
    """What an exam result row offers (EP181's and the VIIS report's rows alike)."""

    @property
    def school_year(self) -> str: ...
    @property
    def session_code(self) -> str: ...
    @property
    def exam_code(self) -> str: ...
    @property
    def exam_name(self) -> str: ...
    @property
    def total_percent(self) -> float: ...
    @property
    def cefr_level(self) -> str | None: ...


def exam_result(result: etree._Element, row: ExamRow) -> None:
    """The fields of one exam result, as ``ExamResult`` and ``InstitutionResult`` share them."""
    add(result, "schoolYear", row.school_year)
    add(result, "sessionCode", row.session_code)
    add(result, "examCode", row.exam_code)
    add(result, "examName", row.exam_name)
    add(result, "totalPercent", percent(row.total_percent))
    if row.cefr_level:
        add(result, "cefrLevel", row.cefr_level)
