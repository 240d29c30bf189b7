"""The VIIS report (RULES §12) as a decision: an institution's results of one level in the
sessions a selection date holds, for VIIS over X-Road, for the school's staff and for VISC's
operators. The report itself (its data, how it is read, its workbook) is in
:mod:`gateway.reports`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from gateway.reports.institution import MAX_PAGE, InstitutionReport, read_institution_report
from gateway.services.decision import Decided

__all__ = ["MAX_PAGE", "InstitutionResults", "institution_results"]


@dataclass(frozen=True, slots=True)
class InstitutionResults(InstitutionReport, Decided):
    """The report as the one audit step records it: about every person in its rows."""

    reason: str = "institution_report"

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.personal_code for r in self.rows))


def institution_results(
    engine: Engine,
    institution: str,
    level: str,
    selection_date: date,
    now: datetime,
    *,
    after: int = 0,
    page_size: int | None = None,
) -> InstitutionResults:
    """The report's rows after ``after`` in id order: a page of ``page_size`` (at most
    :data:`MAX_PAGE`), or all of them when ``page_size`` is ``None``."""
    read = read_institution_report(engine, institution, level, selection_date, now,
                                   after=after, page_size=page_size)
    return InstitutionResults(read.institution, read.institution_name, read.level,
                              read.selection_date, read.rows, read.next_after)
