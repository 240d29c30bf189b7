"""The VIIS report workbook (RULES §12): read back with openpyxl, its rows are the report's rows;
LibreOffice, an independent reader, opens it; ``gateway report`` writes it from the command line.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from gateway.reports.workbook import HEADER_ROW, TITLE, write_workbook
from gateway.services.report import institution_results
from gateway.store.importer import import_document
from tests.services.test_report import NOW, SCHOOL, generated
from tests.stand import REPO

GENERATED_AT = datetime(2024, 7, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def workbook_file(engine: Engine, tmp_path: Path) -> tuple[Path, object]:
    import_document(engine, generated(random.Random(12), 60))
    report = institution_results(engine, SCHOOL, "secondary", date(2024, 7, 11), NOW)
    path = tmp_path / "report.xlsx"
    assert write_workbook(report, path, GENERATED_AT) == len(report.rows)
    return path, report


def test_openpyxl_reads_back_the_reports_rows(workbook_file: tuple[Path, object]) -> None:
    path, report = workbook_file
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == TITLE
    header = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(2, 7)}
    assert header["Atlases datums"] == "11.07.2024"
    assert header["Izglītības iestāde"] == "Cesvaines vidusskola, 4413900133"
    assert header["Izglītības veids"] == "Iegūta vispārējā vidējā izglītība"
    assert header["Sagatavots"] == "20.07.2024 12:30"  # Riga time
    assert header["Rezultātu skaits"] == len(report.rows)  # type: ignore[attr-defined]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    headings = [c.value for c in sheet[HEADER_ROW]]
    assert headings[:10] == ["Personas kods", "Vārds", "Uzvārds", "Eksāmens", "Eksāmena kods",
                             "Mācību gads", "Sesija", "Kopvērtējums", "CEFR līmenis",
                             "Nokārtots"]
    assert headings[10:] == ["ANG: Klausīšanās", "ANG: Lasīšana", "MAT: Matemātika"]

    by_key = {(r.personal_code, r.session_code, r.exam_code): r
              for r in report.rows}  # type: ignore[attr-defined]
    seen = 0
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        code, given, family, _name, exam, year, session, total, cefr, passed, *parts = row
        expected = by_key[(str(code.value).replace("-", ""), session.value, exam.value)]
        assert year.value == expected.school_year
        assert (given.value, family.value) == (expected.given_name, expected.family_name)
        assert total.number_format == "0.00%"
        assert total.value == pytest.approx(expected.total_percent / 100)
        assert passed.value == ("jā" if expected.passed else "nē")
        assert cefr.value in ("", None)
        filled = {headings[10 + i]: c.value for i, c in enumerate(parts) if c.value is not None}
        assert filled == {f"{exam.value}: {p}": pytest.approx(v / 100)
                          for p, v in expected.parts}
        seen += 1
    assert seen == len(by_key)


def test_libreoffice_opens_it(workbook_file: tuple[Path, object], tmp_path: Path) -> None:
    """An independent reader: LibreOffice Calc converts the workbook to CSV."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed (Debian: libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc-nogui)")
    path, report = workbook_file
    out = tmp_path / "csv"
    done = subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
         str(path)],
        capture_output=True, text=True, check=False, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((out / "report.csv").open(encoding="utf-8")))
    assert rows[0][0] == TITLE
    assert rows[HEADER_ROW - 1][:3] == ["Personas kods", "Vārds", "Uzvārds"]
    data = rows[HEADER_ROW:]
    assert len(data) == len(report.rows)  # type: ignore[attr-defined]
    assert {r[2] for r in data} <= {"Bērziņa", "Ozoliņš", "Šteins"}
    assert all(r[7].endswith("%") for r in data)


def test_the_command_writes_the_workbook(engine: Engine, database_url: str,
                                         tmp_path: Path) -> None:
    import_document(engine, generated(random.Random(12), 30))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update(GATEWAY_DATA_DIR=str(tmp_path), GATEWAY_DATABASE_URL=database_url)
    target = tmp_path / "out.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "report", "--date", "2024-07-11",
         "--institution", SCHOOL, "--education", "secondary", "-o", str(target)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Cesvaines vidusskola" in done.stdout
    assert load_workbook(target).active["A1"].value == TITLE  # type: ignore[index]
    bad = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "report", "--date", "11.07.2024",
         "--institution", SCHOOL, "--education", "secondary", "-o", str(target)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_percentages_are_stored_as_exact_decimals(workbook_file: tuple[Path, object]) -> None:
    """96.9 % is the number 0.969 in the file, not the float 0.9690000000000001 (issue 24)."""
    import re
    import zipfile
    from decimal import Decimal

    path, report = workbook_file
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    stored = set(re.findall(r"<v>([^<]*)</v>", sheet))
    assert not [v for v in stored if re.fullmatch(r"-?\d+\.\d{6,}", v)], sorted(stored)[:5]
    totals = {row.total_percent for row in report.rows}  # type: ignore[attr-defined]
    assert any(Decimal(str(t)) % 1 for t in totals)  # some have a fraction, as 96.9 has
    for total in totals:
        assert str(Decimal(str(total)) / 100) in stored, total
