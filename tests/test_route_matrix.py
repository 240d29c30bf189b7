"""The route matrix (RULES §4, §5, §11, §12, §13): one table of cases, and every route that
shows or hands out results or certificates asked the same question about each, on SQLite and
PostgreSQL.

The routes: EP181 ``getExamResults``, EP226 ``listDocuments`` and ``getDocument``, VIIS
``getInstitutionResults`` and ``verifyCertificate`` through their service functions (what the
SOAP operation table calls; the SOAP boundary adds no filter, and ``tests/soap`` asks it over
HTTP), and the portal's pages — the student's results and download, the school's list, ZIP,
single download and report workbook — through the Flask app, as a browser would ask them. The
data are loaded once per database; the e-documents handed out are really sealed.

Mutating any route's filter (the publication instant, a cut-off, the status, the institution)
changes one of its cells, and this table fails.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import desc, insert, select

from gateway.documents.issue import file_stem
from gateway.domain.age import riga_date
from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.errors import DocumentNotAvailable, DocumentNotFound
from gateway.portal.app import create_portal
from gateway.portal.texts import TEXTS
from gateway.reports.workbook import HEADER_ROW
from gateway.runtime import Runtime
from gateway.services.documents import get_document, list_documents
from gateway.services.report import institution_results
from gateway.services.results import exam_results
from gateway.services.verification import VerifyLimit, verify_certificate
from gateway.simulators.register import start_simulator
from gateway.simulators.register_fixture import load_fixture
from gateway.simulators.register_server import RunningSimulator
from gateway.store import sessions
from gateway.store.importer import import_document
from gateway.store.models import Appeal, AuditRecord
from tests.module_db import DATABASES, migrated
from tests.portal.conftest import portal_settings
from tests.portal.countries import write_countries
from tests.registry.conftest import FAMILY, REGISTER, make_settings

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
"""12:00 in Riga (winter time); six calendar months back is 28 May 12:00 (summer time)."""
TODAY = riga_date(NOW)
SCHOOL, OTHER_SCHOOL = "4413900133", "4413900134"
STUDENT = parse_personal_code("020200-22223")  # an adult in the register's family fixture
OTHER = parse_personal_code("150670-13335")  # another adult there, of the other school
STAFF = "12047512344"  # the school administrator signed in (the e-journal vouched for them)

V, UA, SUP, REV = "valid", "under_appeal", "superseded", "revoked"
OK, NF, NA = "ok", "not_found", "not_available"
T, F = True, False


@dataclass(frozen=True)
class Case:
    """One result and its certificate: who holds it, of which session, which exam, what number."""

    name: str
    session: str
    exam: str
    number: str
    holder: PersonalCode = STUDENT


# The routes, in the order of each case's expected answers:
ROUTES = (
    "ep181",   # getExamResults lists the result
    "list",    # listDocuments lists the certificate: with which status (None: not listed)
    "get",     # getDocument: ok, not_found, not_available
    "portal",  # the portal's results show this number: with which status
    "link",    # … and offer it as a download link
    "rows",    # how many rows the portal's results show for this result
    "p_dl",    # /portal/certificate?number=… : HTTP status
    "s_list",  # the school's list of the session shows the number: with which status
    "s_zip",   # the school's ZIP of the session holds it
    "s_one",   # /portal/school/certificate?number=… : HTTP status
    "report",  # the school's report workbook (selection date: today) has the result's row
    "viis",    # getInstitutionResults (the same question over X-Road) has it
    "verify",  # verifyCertificate with number and holder
)
MATRIX: list[tuple[Case, tuple[Any, ...]]] = [
    # case                                                 ep181 list get portal link rows p_dl s_list s_zip s_one report viis verify  # noqa: E501
    (Case("unpublished, a second before its instant", "FUT", "E01", "2026/S-FUT"),
     (F, None, NF, None, F, 0, 404, None, F, 404, F, F, NF)),
    (Case("published at this very instant", "NOW", "E02", "2026/S-NOW"),
     (T, V, OK, V, T, 1, 200, V, T, 200, T, T, V)),
    (Case("EP181: school year 2009/2010", "Y2009", "E03", "2010/S-Y2009"),
     (F, None, NF, None, F, 0, 404, V, T, 200, T, T, V)),
    (Case("EP181: school year 2010/2011", "Y2010", "E04", "2011/S-Y2010"),
     (T, None, NF, None, F, 0, 404, V, T, 200, T, T, V)),
    (Case("EP226: issued 2022-12-31", "Y2022", "E05", "2022/S-1231"),
     (T, None, NF, None, F, 0, 404, V, T, 200, T, T, V)),
    (Case("EP226: issued 2023-01-01", "Y2022", "E06", "2023/S-0101"),
     (T, V, OK, None, F, 0, 404, V, T, 200, T, T, V)),
    (Case("portal: published 6 months + 1 minute ago", "OLD", "E07", "2026/S-OLD"),
     (T, V, OK, None, F, 0, 404, V, T, 200, T, T, V)),
    (Case("portal: published 6 months - 1 minute ago", "YOUNG", "E08", "2026/S-YOUNG"),
     (T, V, OK, V, T, 1, 200, V, T, 200, T, T, V)),
    (Case("revoked", "MAIN", "E09", "2026/S-REV"),
     (T, REV, NA, REV, F, 1, 404, REV, F, 404, T, T, REV)),
    (Case("superseded", "MAIN", "E10", "2026/S-SUP"),
     (T, SUP, NA, None, F, 1, 404, SUP, F, 404, T, T, SUP)),
    (Case("its successor", "MAIN", "E10", "2026/S-SUP-2"),
     (T, V, OK, V, T, 1, 200, V, T, 200, T, T, V)),
    (Case("under appeal", "MAIN", "E11", "2026/S-APL"),
     (T, UA, OK, UA, T, 1, 200, UA, T, 200, T, T, V)),
    (Case("another school's student", "MAIN", "E12", "2026/S-OTH", OTHER),
     (T, V, OK, V, T, 1, 200, None, F, 404, F, F, V)),
    (Case("not passed (a certificate in error)", "MAIN", "E13", "2026/S-FAIL"),
     (F, None, NF, None, F, 1, 404, None, F, 404, T, T, NF)),
    (Case("a certificate dated tomorrow (Riga)", "MAIN", "E14", "2026/S-TOMORROW"),
     (T, None, NF, None, F, 1, 404, None, F, 404, T, T, NF)),
]
SESSIONS = {  # code: (school year, publication instant)
    "FUT": ("2026/2027", NOW + timedelta(seconds=1)),
    "NOW": ("2026/2027", NOW),
    "Y2009": ("2009/2010", datetime.fromisoformat("2010-06-20T08:00:00+03:00")),
    "Y2010": ("2010/2011", datetime.fromisoformat("2011-06-20T08:00:00+03:00")),
    "Y2022": ("2022/2023", datetime.fromisoformat("2022-12-20T08:00:00+02:00")),
    "OLD": ("2025/2026", datetime.fromisoformat("2026-05-28T11:59:00+03:00")),
    "YOUNG": ("2025/2026", datetime.fromisoformat("2026-05-28T12:01:00+03:00")),
    "MAIN": ("2025/2026", datetime.fromisoformat("2026-07-11T08:00:00+03:00")),
}
ISSUED = {"2022/S-1231": "2022-12-31", "2023/S-0101": "2023-01-01", "2026/S-SUP-2": "2026-09-01",
          "2026/S-TOMORROW": (TODAY + timedelta(days=1)).isoformat()}


def _data() -> dict[str, Any]:
    results: dict[str, dict[str, Any]] = {}
    documents = []
    for case, _ in MATRIX:
        results[case.exam] = {
            "personal_code": case.holder.display, "session": case.session, "exam": case.exam,
            "institution": OTHER_SCHOOL if case.holder == OTHER else SCHOOL,
            "total_percent": 75.0, "passed": case.number != "2026/S-FAIL", "parts": {}}
        document: dict[str, Any] = {
            "number": case.number, "kind": "ce_certificate", "personal_code": case.holder.display,
            "session": case.session, "exam": case.exam, "title": "Sertifikāts",
            "issued_on": ISSUED.get(case.number,
                                    riga_date(SESSIONS[case.session][1]).isoformat())}
        if case.number == "2026/S-REV":
            document["status"] = "revoked"
        if case.number == "2026/S-SUP-2":
            document["supersedes"] = "2026/S-SUP"
        documents.append(document)
    return {
        "sessions": [{"code": code, "school_year": year, "level": "secondary",
                      "published_at": at.isoformat()} for code, (year, at) in SESSIONS.items()],
        "exams": [{"code": e, "name": f"Eksāmens {e}", "parts": [], "cefr": False}
                  for e in sorted({c.exam for c, _ in MATRIX})],
        "institutions": [{"code": SCHOOL, "name": "Cesvaines vidusskola"},
                         {"code": OTHER_SCHOOL, "name": "Citas vidusskola"}],
        "persons": [{"personal_code": STUDENT.display, "given_name": "Berta",
                     "family_name": "Ozola"},
                    {"personal_code": OTHER.display, "given_name": "Oskars",
                     "family_name": "Ozols"}],
        "results": list(results.values()),
        "documents": documents,
    }


@dataclass
class World:
    """The running parts the routes are asked through."""

    runtime: Runtime
    app: Flask

    def browser(self, code: str, schools: list[str]) -> FlaskClient:
        """A signed-in browser of the portal: the e-journal vouched for ``code``."""
        client = self.app.test_client()
        sid = sessions.start(self.runtime.engine, datetime.now(UTC), timedelta(hours=2),
                             timedelta(minutes=15))
        with client.session_transaction() as session:
            session.update(code=code, sid=sid, provider="eklase", lang="lv", schools=schools)
        return client

    def last_audit(self, service: str) -> str:
        with self.runtime.engine.connect() as conn:
            return str(conn.scalar(select(AuditRecord.outcome).where(
                AuditRecord.service == service).order_by(desc(AuditRecord.id)).limit(1)))


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    running = start_simulator(load_fixture(FAMILY), REGISTER)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          simulator: RunningSimulator) -> Iterator[World]:
    with migrated(request.param, tmp_path_factory, "gw_matrix") as engine:
        import_document(engine, _data())
        with engine.begin() as conn:
            conn.execute(insert(Appeal).values(
                reference="A-2026-1", document_number="2026/S-APL",
                requester_code=STUDENT.digits, subject_code=STUDENT.digits, role="student",
                text="", status="open", created_at=NOW - timedelta(days=3)))
        data_dir: Path = tmp_path_factory.mktemp("matrix")
        portal = portal_settings("http://127.0.0.1/portal/", "http://127.0.0.1:9",
                                 write_countries(data_dir), download_limit=1000,
                                 school_download_limit=1000)
        settings = make_settings(simulator.url, data_dir=data_dir,
                                 database_url=str(engine.url.render_as_string(False)),
                                 portal=portal)
        runtime = replace(Runtime.build(settings), clock=lambda: NOW)
        runtime.engine.dispose()
        runtime = replace(runtime, engine=engine)
        try:
            app = create_portal(runtime)
            app.config["SESSION_COOKIE_PATH"] = "/"  # served here at the root, not /portal/
            yield World(runtime, app)
        finally:
            runtime.registry.close()


# --- the routes, each asked about one case ------------------------------------------------

def _ep181(w: World, c: Case) -> bool:
    answer = exam_results(w.runtime.access, c.holder, c.holder, NOW)
    return any(r.session_code == c.session and r.exam_code == c.exam for r in answer.results)


def _list(w: World, c: Case) -> str | None:
    rows = list_documents(w.runtime.access, c.holder, c.holder, NOW).rows
    return next((r.status.value for r in rows if r.number == c.number), None)


def _get(w: World, c: Case) -> str:
    try:
        got = get_document(w.runtime.access, w.runtime.issuer, c.holder, c.holder, c.number, NOW)
    except DocumentNotFound:
        return NF
    except DocumentNotAvailable:
        return NA
    assert got.content.startswith(b"PK")
    return OK


_STATUS_WORDS = {TEXTS["lv"][f"status_{s}"]: s for s in (V, UA, SUP, REV)}


def _portal_rows(w: World, c: Case) -> list[tuple[str | None, str | None, bool]]:
    """(number, status, link) of the portal's result rows of the case's exam."""
    page = w.browser(c.holder.digits, []).get("/results")
    assert page.status_code == 200
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", page.get_data(as_text=True), re.S):
        if f"Eksāmens {c.exam}" not in row:
            continue
        number = re.search(r'<span class="number">([^<]+)</span>', row)
        status = re.search(r'<span class="cert-status">\(([^)]+)\)</span>', row)
        rows.append((number and number.group(1), _STATUS_WORDS[status.group(1)] if status
                     else V if number else None, 'class="download"' in row))
    return rows


def _portal(w: World, c: Case) -> str | None:
    return next((s for n, s, _ in _portal_rows(w, c) if n == c.number), None)


def _link(w: World, c: Case) -> bool:
    return any(n == c.number and link for n, _, link in _portal_rows(w, c))


def _rows(w: World, c: Case) -> int:
    return len(_portal_rows(w, c))


def _p_dl(w: World, c: Case) -> int:
    answer = w.browser(c.holder.digits, []).get("/certificate", query_string={"number": c.number})
    assert w.last_audit("portal.certificate") == ("allowed" if answer.status_code == 200
                                                  else "refused")
    return answer.status_code


def _school(w: World) -> FlaskClient:
    return w.browser(STAFF, [SCHOOL])


def _s_list(w: World, c: Case) -> str | None:
    page = _school(w).get("/school", query_string={"session": c.session})
    if page.status_code == 404:
        return None
    assert page.status_code == 200
    for row in re.findall(r"<tr>(.*?)</tr>", page.get_data(as_text=True), re.S):
        if f'<span class="number">{c.number}</span>' in row:
            word = re.findall(r"<td>([^<]*)</td>", row)[-1].strip()
            return _STATUS_WORDS[word]
    return None


def _s_zip(w: World, c: Case) -> bool:
    answer = _school(w).get("/school/certificates.zip", query_string={"session": c.session})
    if answer.status_code == 404:
        return False
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as archive:
        return f"{file_stem(c.number)}.edoc" in archive.namelist()


def _s_one(w: World, c: Case) -> int:
    answer = _school(w).get("/school/certificate", query_string={"number": c.number})
    assert w.last_audit("portal.school.certificate") == ("allowed" if answer.status_code == 200
                                                         else "refused")
    return answer.status_code


def _report(w: World, c: Case) -> bool:
    answer = _school(w).get("/school/report.xlsx", query_string={
        "date": TODAY.isoformat(), "education": "secondary"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.get_data()), read_only=True).worksheets[0]
    return any(row[0] == c.holder.display and row[4] == c.exam and row[6] == c.session
               for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def _viis(w: World, c: Case) -> bool:
    answer = institution_results(w.runtime.engine, SCHOOL, "secondary", TODAY, NOW,
                                 page_size=500)
    return any(r.personal_code == c.holder.digits and r.exam_code == c.exam
               and r.session_code == c.session for r in answer.rows)


def _verify(w: World, c: Case) -> str:
    return verify_certificate(w.runtime.engine, VerifyLimit(limit=10_000), "LV/GOV/1/UNI",
                              c.number, c.holder, NOW).status.value


ASK: dict[str, Callable[[World, Case], Any]] = {
    "ep181": _ep181, "list": _list, "get": _get, "portal": _portal, "link": _link,
    "rows": _rows, "p_dl": _p_dl, "s_list": _s_list, "s_zip": _s_zip, "s_one": _s_one,
    "report": _report, "viis": _viis, "verify": _verify,
}


def test_the_table_asks_every_route() -> None:
    assert tuple(ASK) == ROUTES
    assert all(len(expected) == len(ROUTES) for _, expected in MATRIX)


@pytest.mark.parametrize(("case", "expected"), MATRIX, ids=[c.name for c, _ in MATRIX])
def test_every_route_gives_the_same_answer(world: World, case: Case,
                                           expected: tuple[Any, ...]) -> None:
    answers = {route: ASK[route](world, case) for route in ROUTES}
    assert answers == dict(zip(ROUTES, expected, strict=True))
