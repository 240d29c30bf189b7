"""VIIS over X-Road (RULES §12): ``getInstitutionResults`` through zeep on the committed WSDL,
for the configured VIIS client only, in pages, signed, valid to the published schema, and
audited with every person whose results it carried."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from gateway.services.report import institution_results
from gateway.soap import contract
from gateway.store.models import AuditRecord, AuditSubject
from tests.signing.conftest import XMLSEC1_VERIFY
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload
from tests.stand import Stand

VIIS = "LV/GOV/90000022399/VIIS"
SCHOOL = "4413900133"
SELECTION = date(2026, 7, 20)


def _call(caller: Caller, **body: object) -> object:
    request = {"institutionCode": SCHOOL, "educationType": "secondary",
               "selectionDate": SELECTION, **body}
    return caller.call("getInstitutionResults", P.JANIS, _client=VIIS, **request)


def test_viis_gets_the_report_signed_and_valid(
    caller: Caller, stand: Stand, stand_engine: Engine, tmp_path: Path
) -> None:
    answer = _call(caller, pageSize=500)
    expected = institution_results(stand_engine, SCHOOL, "secondary", SELECTION,
                                   datetime.now(UTC))
    assert answer.institutionName == "Cesvaines vidusskola"
    got = [(r.personalCode.replace("-", ""), r.sessionCode, r.examCode)
           for r in answer.results.result]
    assert got == [(r.personal_code, r.session_code, r.exam_code) for r in expected.rows]
    assert got and answer.nextPageToken is None
    signed = payload(caller.last_response)
    contract.body_schema().assertValid(signed)
    target = tmp_path / "answer.xml"
    target.write_bytes(etree.tostring(caller.last_response))
    command = [a.replace("getExamResultsResponse", "getInstitutionResultsResponse")
               for a in XMLSEC1_VERIFY]
    done = subprocess.run([*command, str(stand.ca_pem), str(target)], capture_output=True,
                          text=True, check=False, timeout=30)
    assert done.returncode == 0, done.stderr


def test_pages_carry_the_whole_report_once(caller: Caller, stand_engine: Engine) -> None:
    whole = institution_results(stand_engine, SCHOOL, "secondary", SELECTION,
                                datetime.now(UTC))
    seen: list[tuple[str, str, str]] = []
    token: str | None = None
    for _page in range(len(whole.rows)):  # bounded: one result a page at the least
        answer = _call(caller, pageSize=7, **({"pageToken": token} if token else {}))
        rows = answer.results.result if answer.results else []
        assert len(rows) <= 7
        seen += [(r.personalCode, r.sessionCode, r.examCode) for r in rows]
        token = answer.nextPageToken
        if token is None:
            break
    assert len(seen) == len(set(seen)) == len(whole.rows)


def test_latvija_gov_lv_may_not_ask(caller: Caller) -> None:
    expect_fault(lambda: caller.call(
        "getInstitutionResults", P.JANIS, institutionCode=SCHOOL, educationType="secondary",
        selectionDate=SELECTION), "UnknownClient")


def test_an_unknown_institution_is_refused(caller: Caller) -> None:
    expect_fault(lambda: _call(caller, institutionCode="9999999999"), "InstitutionNotFound")


@pytest.mark.parametrize("size", [0, 501])
def test_a_page_size_outside_the_contract_is_invalid(caller: Caller, stand: Stand,
                                                      size: int) -> None:
    from tests.soap.conftest import post

    body = (Path(__file__).resolve().parents[2] / "docs" / "samples"
            / "getInstitutionResults.xml").read_text(encoding="utf-8")
    body = body.replace("<vpis:pageSize>200</vpis:pageSize>",
                        f"<vpis:pageSize>{size}</vpis:pageSize>")
    answer = post(stand, body.encode("utf-8"))
    assert answer.status_code == 500
    assert b"Client.InvalidRequest" in answer.content


def test_every_person_in_the_answer_is_audited(caller: Caller, stand_engine: Engine) -> None:
    from tests.soap.conftest import xroad_headers

    message = uuid.uuid4().hex
    headers = xroad_headers(P.JANIS, service_code="getInstitutionResults", client=VIIS,
                            message_id=message)
    result = caller.service.getInstitutionResults(
        institutionCode=SCHOOL, educationType="secondary", selectionDate=SELECTION,
        pageSize=500, _soapheaders=headers)
    persons = {r.personalCode.replace("-", "") for r in result.body.results.result}
    with stand_engine.connect() as conn:
        record = conn.execute(select(AuditRecord).where(AuditRecord.message_id == message)).one()
        subjects = set(conn.scalars(select(AuditSubject.subject_code).where(
            AuditSubject.audit_id == record.id)))
    assert record.outcome == "allowed" and record.client == VIIS
    assert record.subject_code is None
    assert subjects == persons
