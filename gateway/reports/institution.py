"""The VIIS report's data (RULES §12): one page (or all) of an institution's results of one level
in the sessions a selection date holds, read from the store (:mod:`gateway.store.report`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from gateway.errors import InstitutionNotFound
from gateway.store import report
from gateway.store.db import reading
from gateway.store.report import ReportRow

__all__ = ["MAX_PAGE", "InstitutionReport", "ReportRow", "read_institution_report"]

MAX_PAGE = 500
"""Most rows one X-Road answer carries; a large school's report comes in pages."""


@dataclass(frozen=True, slots=True)
class InstitutionReport:
    """One page (or all) of the report, and where the next page starts."""

    institution: str
    institution_name: str
    level: str
    selection_date: date
    rows: list[ReportRow]
    next_after: int | None
    """The ``after`` of the next page; ``None`` on the last one."""


def read_institution_report(
    engine: Engine,
    institution: str,
    level: str,
    selection_date: date,
    now: datetime,
    *,
    after: int = 0,
    page_size: int | None = None,
) -> InstitutionReport:
    """The report's rows after ``after`` in id order: a page of ``page_size`` (at most
    :data:`MAX_PAGE`), or all of them when ``page_size`` is ``None``; an institution the store
    does not know is :class:`~gateway.errors.InstitutionNotFound`."""
    limit = None if page_size is None else max(1, min(page_size, MAX_PAGE))
    with reading(engine) as conn:
        name = report.institution_name(conn, institution)
        if name is None:
            raise InstitutionNotFound("unknown institution")
        rows = report.report_rows(conn, institution, level, selection_date, now, after=after,
                                  limit=1_000_000 if limit is None else limit + 1)
    next_after = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        next_after = rows[-1].result_id
    return InstitutionReport(institution, name, level, selection_date, rows, next_after)
