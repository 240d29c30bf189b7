"""A personal code is written for people in one place (issue 22): ``DDMMYY-CNNNX`` comes from
:func:`gateway.domain.personal_code.display` on every path that shows one — the SOAP answers,
the certificate, the report's workbook and its X-Road answer, the portal's pages, the command
line — and nowhere is a second copy of that formatting."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook

from gateway.documents.issue import printable
from gateway.domain.documents import DocumentKind
from gateway.domain.personal_code import display, parse_personal_code
from gateway.ns import VPIS
from gateway.portal.app import FILTERS
from gateway.reports.workbook import HEADER_ROW, write_workbook
from gateway.services.report import InstitutionResults
from gateway.soap.adapters.institution import institution_results
from gateway.store.report import ReportRow
from tests.stand import REPO

DIGITS = "18040726662"
WRITTEN = "180407-26662"

# A copy of the formatting: slicing a code after its sixth digit, in Python or in a template.
SLICED = re.compile(r"\[\s*:\s*6\s*\]|\[\s*6\s*:\s*\]")
THE_ONE_PLACE = REPO / "gateway" / "domain" / "personal_code.py"


def test_display_is_the_written_form() -> None:
    assert display(DIGITS) == WRITTEN
    code = parse_personal_code(WRITTEN)
    assert code.digits == DIGITS
    assert code.display == str(code) == WRITTEN


def test_no_second_copy_of_the_formatting() -> None:
    copies = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "gateway").rglob("*"))
        if path.suffix in (".py", ".html") and path != THE_ONE_PLACE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SLICED.search(line)
    ]
    assert copies == []
    assert SLICED.search('return f"{digits[:6]}-{digits[6:]}"')  # what the check looks for
    assert SLICED.search("{{ c.personal_code[:6] }}-{{ c.personal_code[6:] }}")


def _row() -> ReportRow:
    return ReportRow(result_id=1, personal_code=DIGITS, given_name="Anna", family_name="Bērziņa",
                     school_year="2025/2026", session_code="2026-V", exam_code="ANG",
                     exam_name="Angļu valoda", total_percent=81.5, cefr_level="B2", passed=True,
                     parts=(("Lasīšana", 80.0),))


def test_every_output_path_writes_the_same_form(tmp_path: Path) -> None:
    shown: dict[str, str] = {}

    # the certificate (and every document) as printed
    document = SimpleNamespace(kind=DocumentKind.LANGUAGE_STATEMENT, number="2026/VVPP-000001",
                               issued_on=date(2026, 7, 1), title="Apliecība")
    person = SimpleNamespace(given_name="Anna", family_name="Bērziņa", personal_code=DIGITS)
    shown["document"] = printable({"document": document, "person": person}).personal_code

    # the VIIS report: its workbook and its X-Road answer
    report = InstitutionResults("4413900133", "Rīgas skola", "secondary", date(2026, 7, 20),
                                [_row()], None)
    path = tmp_path / "report.xlsx"
    write_workbook(report, path, datetime(2026, 7, 20, 9, 0, tzinfo=UTC))
    sheet = load_workbook(path).active
    assert sheet is not None
    shown["workbook"] = sheet.cell(row=HEADER_ROW + 1, column=1).value
    answer = institution_results(report)
    shown["getInstitutionResults"] = answer.findtext(f".//{{{VPIS}}}result/{{{VPIS}}}personalCode")

    # the portal's templates
    shown["portal"] = FILTERS["personal_code"](DIGITS)

    # the SOAP answers' subject and the command line (`gateway audit`) print PersonalCode.display
    shown["PersonalCode"] = parse_personal_code(DIGITS).display

    assert shown == dict.fromkeys(shown, WRITTEN)
    assert FILTERS["personal_code"] is display
