"""getAccessLog end to end (RULES §13): every access to the subject's data in the period, by
whom, paged; for the person and their representatives; itself audited; no foreign codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select

from gateway.demo import DEMO_CLOCK_START, DEMO_TODAY
from gateway.soap import contract
from gateway.store.models import AuditRecord
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload
from tests.stand import SCHOOL_PORTAL

SCHOOL_CLERK = P.GATIS


def today() -> str:
    return DEMO_TODAY.isoformat()  # the stand's gateway runs on the demo's clock


def log_pages(caller: Caller, requester: str, subject: str, size: int) -> list[Any]:
    entries: list[Any] = []
    page = None
    for _ in range(100):  # bounded: 100 pages at most
        body: dict[str, Any] = {"personalCode": subject, "from": today(), "to": today(),
                                "pageSize": size}
        if page is not None:
            body["page"] = page
        answer = caller.call("getAccessLog", requester, **body)
        assert contract.body_schema().validate(payload(caller.last_response))
        got = answer.entries.entry if answer.entries else []
        assert len(got) <= size
        entries.extend(got)
        page = answer.nextPage
        if page is None:
            return entries
    raise AssertionError("more than 100 pages")


@pytest.fixture(scope="module")
def accesses(caller: Caller) -> None:
    """Anna's data is looked at by her father, a school, and a stranger (refused)."""
    caller.call("getExamResults", P.PETERIS, personalCode=P.ANNA)
    caller.call("getExamResults", P.ANNA, personalCode=P.ANNA)
    expect_fault(lambda: caller.call("getExamResults", P.ALEKSEJS, personalCode=P.ANNA),
                 "NoMandate")
    expect_fault(lambda: caller.call("getExamResults", SCHOOL_CLERK, _client=SCHOOL_PORTAL,
                                     personalCode=P.ANNA), "NoMandate")


def test_every_access_of_the_day_by_whom(caller: Caller, accesses: None,
                                         stand_engine: Engine) -> None:
    entries = log_pages(caller, P.ANNA, P.ANNA, size=3)
    now = DEMO_CLOCK_START
    with stand_engine.connect() as conn:
        expected = conn.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.subject_code == P.ANNA.replace("-", ""),
            AuditRecord.at >= now - timedelta(days=2)))
    assert 0 < len(entries) <= (expected or 0)
    kinds = {(e.accessor, e.accessorName, e.outcome) for e in entries}
    assert ("representative", "Pēteris Bērziņš", "allowed") in kinds
    assert ("self", None, "allowed") in kinds
    assert ("other", None, "refused") in kinds  # the stranger: never named
    assert ("school", None, "refused") in kinds
    ats = [e.at for e in entries]
    assert ats == sorted(ats, reverse=True), "newest first"
    assert len({(e.at, e.service, e.client, e.accessor) for e in entries}) >= 4


def test_pages_cover_the_same_entries_as_one_page(caller: Caller, accesses: None) -> None:
    small = log_pages(caller, P.PETERIS, P.ANNA, size=1)
    large = log_pages(caller, P.PETERIS, P.ANNA, size=100)
    # The second walk sees the first walk's own calls too (each call is an access).
    assert [(e.at, e.service) for e in small] == [(e.at, e.service) for e in large][-len(small):]


def test_no_other_persons_code_is_in_the_answer(caller: Caller, accesses: None) -> None:
    log_pages(caller, P.PETERIS, P.ANNA, size=100)
    whole = etree.tostring(caller.last_response, encoding="unicode")
    body = etree.tostring(payload(caller.last_response), encoding="unicode")
    for code in (P.ALEKSEJS, SCHOOL_CLERK):  # people the viewer does not know
        assert code not in whole and code.replace("-", "") not in whole
    # the viewer's own code is only in the echoed userId header, never in the payload
    assert P.PETERIS not in body and P.PETERIS.replace("-", "") not in body


def test_the_access_log_is_itself_audited(caller: Caller, stand_engine: Engine) -> None:
    caller.call("getAccessLog", P.JANIS, personalCode=P.JANIS, **{"from": today(),
                                                                   "to": today()})
    entries = log_pages(caller, P.JANIS, P.JANIS, size=100)
    assert any(e.service == "getAccessLog" and e.accessor == "self" for e in entries)


@pytest.mark.parametrize(("requester", "subject"), [
    pytest.param(P.ALEKSEJS, P.ANNA, id="a stranger"),
    pytest.param(P.PETERIS, P.JANIS, id="parent of an adult"),
])
def test_only_the_person_and_their_representatives(caller: Caller, requester: str,
                                                   subject: str) -> None:
    expect_fault(lambda: caller.call("getAccessLog", requester, personalCode=subject,
                                     **{"from": today(), "to": today()}), "NoMandate")


@pytest.mark.parametrize(("first", "last"), [("2026-02-01", "2026-01-31"),
                                              ("2024-01-01", "2025-02-04")])
def test_a_bad_period_is_an_invalid_request(caller: Caller, first: str, last: str) -> None:
    expect_fault(lambda: caller.call("getAccessLog", P.JANIS, personalCode=P.JANIS,
                                     **{"from": first, "to": last}), "InvalidRequest")


def test_a_viis_report_that_carried_the_persons_results_is_listed(caller: Caller) -> None:
    viis = "LV/GOV/90000022399/VIIS"
    report = caller.call("getInstitutionResults", P.JANIS, _client=viis,
                         institutionCode="4413900133", educationType="secondary",
                         selectionDate="2026-07-20", pageSize=5)
    student = report.results.result[0].personalCode
    entries = log_pages(caller, student, student, size=100)
    assert any(e.service == "getInstitutionResults" and e.accessor == "viis"
               and e.client == viis and e.accessorName is None for e in entries)


@pytest.fixture(scope="module")
def named_accesses(caller: Caller) -> None:
    """Līga's mother (custody) looks, her father (custody removed) and a stranger try; Jānis's
    father tries (Jānis is an adult); Elīza's former aizgādne tries (the relation ended)."""
    caller.call("getExamResults", P.INESE, personalCode=P.LIGA)
    for requester, subject in ((P.ANDRIS, P.LIGA), (P.ALEKSEJS, P.LIGA),
                               (P.PETERIS, P.JANIS), (P.RUTA, P.ELIZA)):
        expect_fault(lambda r=requester, s=subject: caller.call(
            "getExamResults", r, personalCode=s), "NoMandate")


def _seen(caller: Caller, person: str) -> set[tuple[str, str | None, str]]:
    return {(e.accessor, e.accessorName, e.outcome)
            for e in log_pages(caller, person, person, size=100)
            if e.service == "getExamResults"}


@pytest.mark.parametrize(("person", "expected"), [
    pytest.param(P.LIGA, {("representative", "Inese Ozoliņa", "allowed"),
                          ("representative", "Andris Ozoliņš", "refused"),
                          ("other", None, "refused")}, id="custody and custody removed"),
    pytest.param(P.JANIS, {("representative", "Pēteris Bērziņš", "refused")},
                 id="parent of an adult"),
    pytest.param(P.ELIZA, {("representative", "Rūta Krūmiņa", "refused")},
                 id="former guardian of an adult"),
])
def test_representatives_are_named_from_the_register_allowed_or_refused(
        caller: Caller, named_accesses: None, person: str,
        expected: set[tuple[str, str | None, str]]) -> None:
    """RULES §13: named whether allowed or refused, the name from the population register's
    answer; a stranger is ``other``, unnamed; no other person's code in the answer."""
    seen = _seen(caller, person)
    assert expected <= seen
    assert all(name is None for kind, name, _ in seen if kind not in ("representative",
                                                                      "official"))
    body = etree.tostring(payload(caller.last_response), encoding="unicode")
    for code in (P.INESE, P.ANDRIS, P.ALEKSEJS, P.PETERIS, P.RUTA):
        assert code not in body and code.replace("-", "") not in body


def test_the_refusal_record_keeps_the_registers_name(named_accesses: None,
                                                      stand_engine: Engine) -> None:
    """The name is the register's at the time of the access, kept in the audit record."""
    with stand_engine.connect() as conn:
        rows = set(conn.execute(select(
            AuditRecord.outcome, AuditRecord.reason, AuditRecord.accessor_kind,
            AuditRecord.accessor_name).where(
            AuditRecord.requester_code == P.ANDRIS.replace("-", ""),
            AuditRecord.subject_code == P.LIGA.replace("-", ""))).all())
        stranger = set(conn.execute(select(
            AuditRecord.accessor_kind, AuditRecord.accessor_name).where(
            AuditRecord.requester_code == P.ALEKSEJS.replace("-", ""),
            AuditRecord.subject_code == P.LIGA.replace("-", ""))).all())
    assert {tuple(row) for row in rows} == {
        ("refused", "NoMandate", "representative", "Andris Ozoliņš")}
    assert {tuple(row) for row in stranger} == {(None, None)}
