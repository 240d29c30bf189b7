"""The VIIS report as an Excel workbook (RULES §12), written with openpyxl in write-only mode.

"Reflektantu un absolventu eksāmenu un pārbaudījumu rezultāti: Excel": a header block naming the
report and its parameters, then one row per result — personal code, name, exam, school year,
session, total, CEFR level, passed — and each exam's parts as columns of their own
(``ANG: Lasīšana``), filled on that exam's rows. The header row is frozen; percentages are
numbers with a percent format (so a spreadsheet sums and sorts them); the Latvian text is stored
as it is (the format is UTF-8 XML).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import openpyxl.cell._writer as _openpyxl_cell_writer
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from gateway.domain.age import RIGA
from gateway.domain.personal_code import display
from gateway.reports.institution import InstitutionReport

TITLE = "Reflektantu un absolventu eksāmenu un pārbaudījumu rezultāti"
EDUCATION = {"basic": "Iegūta pamatizglītība", "secondary": "Iegūta vispārējā vidējā izglītība"}
COLUMNS = (
    ("Personas kods", 20), ("Vārds", 16), ("Uzvārds", 18), ("Eksāmens", 46),
    ("Eksāmena kods", 15), ("Mācību gads", 13), ("Sesija", 10), ("Kopvērtējums", 14),
    ("CEFR līmenis", 14), ("Nokārtots", 11),
)
HEADER_ROW = 8
"""The row of the column headings; the rows above are the report's header block."""
PERCENT = "0.00%"

_BOLD = Font(bold=True)
_HEADING = Font(bold=True, color="FFFFFF")
_HEADING_FILL = PatternFill("solid", fgColor="7B1C2E")  # the Latvian state's carmine


def _fraction(percent: float | Decimal) -> Decimal:
    """A percentage as the exact decimal fraction a percent-formatted cell holds: 96.9 is
    0.969, never the binary float 0.9690000000000001 (issue 24)."""
    return Decimal(str(percent)) / 100


def _number_text(value: object) -> str:
    """How a cell's value is written into the sheet's XML: a :class:`~decimal.Decimal` exactly
    as it is (``0.969``); anything else as openpyxl writes it. openpyxl writes every number
    with ``"%.16g"``, which turns the exact 0.809 into ``0.8090000000000001``."""
    return str(value) if isinstance(value, Decimal) else str(_openpyxl_number_text(value))


# openpyxl's cell writer looks its formatting function up in its module at each cell; this
# module is the one place that writes workbooks, so the exact decimals are written from here.
_openpyxl_number_text = _openpyxl_cell_writer.safe_string  # type: ignore[attr-defined]
_openpyxl_cell_writer.safe_string = _number_text  # type: ignore[attr-defined]


def _cell(ws: WriteOnlyWorksheet, value: Any, *, font: Font | None = None,
          number_format: str | None = None, fill: PatternFill | None = None) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def part_columns(report: InstitutionReport) -> list[tuple[str, str]]:
    """(exam code, part name) of every part column, by exam code, each exam's parts in order."""
    seen: dict[tuple[str, str], None] = {}
    for row in sorted(report.rows, key=lambda r: r.exam_code):
        for name, _percent in row.parts:
            seen.setdefault((row.exam_code, name), None)
    return list(seen)


def write_workbook(report: InstitutionReport, out: Path | IO[bytes],
                   generated_at: datetime) -> int:
    """Write the report to ``out``; the number of result rows written."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Rezultāti")
    parts = part_columns(report)
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for index, (exam, part) in enumerate(parts, start=len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(exam + part) + 5)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"  # on paper, the headings on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    ws.append([_cell(ws, TITLE, font=Font(bold=True, size=14))])
    for label, value in (
        ("Atlases datums", report.selection_date.strftime("%d.%m.%Y")),
        ("Izglītības iestāde", f"{report.institution_name}, {report.institution}"),
        ("Izglītības veids", EDUCATION.get(report.level, report.level)),
        ("Sagatavots", generated_at.astimezone(RIGA).strftime("%d.%m.%Y %H:%M")),
        ("Rezultātu skaits", len(report.rows)),
    ):
        ws.append([_cell(ws, label, font=_BOLD), value])
    ws.append([])
    headings = [name for name, _width in COLUMNS] + [f"{exam}: {part}" for exam, part in parts]
    ws.append([_cell(ws, h, font=_HEADING, fill=_HEADING_FILL) for h in headings])

    position = {key: index for index, key in enumerate(parts)}
    ordered = sorted(report.rows, key=lambda r: (r.family_name, r.given_name, r.personal_code,
                                                 r.school_year, r.exam_code))
    for row in ordered:
        scores: list[Any] = [None] * len(parts)
        for name, percent in row.parts:
            scores[position[(row.exam_code, name)]] = _cell(ws, _fraction(percent),
                                                             number_format=PERCENT)
        ws.append([
            display(row.personal_code), row.given_name, row.family_name, row.exam_name,
            row.exam_code, row.school_year, row.session_code,
            _cell(ws, _fraction(row.total_percent), number_format=PERCENT),
            row.cefr_level or "", "jā" if row.passed else "nē", *scores,
        ])
    workbook.save(out)
    return len(ordered)
