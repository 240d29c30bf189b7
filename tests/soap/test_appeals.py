"""submitAppeal end to end (RULES §8, §13): by the adult student, a minor's legal
representative or an imprisoned student's resocialisation official (the Prison
Administration's register, simulated over the wire); late or by anyone else refused with a
reason; one open appeal per certificate; a reference number; listDocuments shows it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from gateway.demo import DEMO_TODAY
from gateway.domain.calendar import add_months
from gateway.soap import contract
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, messages, payload
from tests.stand import VERIFIER, Stand, run_cli

OFFICIAL = "120379-12344"  # Sofija's resocialisation official (gateway/demo/data/prison.json)
FORMER_OFFICIAL = "050885-17314"  # hers until 2026-08-31
TODAY = DEMO_TODAY  # the stand's gateway runs on the demo's clock
LATE_ISSUE = add_months(TODAY, -1) - timedelta(days=1)
SOFIJA_LVA = f"{TODAY.year}/E2E-SOFIJA-LVA"
SOFIJA_MAT = f"{TODAY.year}/E2E-SOFIJA-MAT"
SOFIJA_LATE = f"{LATE_ISSUE.year}/E2E-SOFIJA-LATE"
ANNA_FRA = f"{TODAY.year}/E2E-ANNA-FRA09"
TEXT = "Lūdzu pārskatīt rakstīšanas daļas vērtējumu."


def _doc(number: str, code: str, session: str, exam: str, issued: date) -> dict[str, Any]:
    return {"number": number, "kind": "ce_certificate", "personal_code": code,
            "session": session, "exam": exam, "issued_on": issued.isoformat(),
            "title": "Centralizētā eksāmena sertifikāts"}


@pytest.fixture(scope="module")
def issued_today(stand: Stand, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Certificates issued today (and one a month and a day ago), loaded by `gateway import`."""
    path = Path(tmp_path_factory.mktemp("appeals")) / "issued-today.json"
    path.write_text(json.dumps({"documents": [
        _doc(SOFIJA_LVA, P.SOFIJA, "2025-V", "LVA", TODAY),
        _doc(SOFIJA_MAT, P.SOFIJA, "2025-V", "MAT", TODAY),
        _doc(SOFIJA_LATE, P.SOFIJA, "2025-V", "LVA", LATE_ISSUE),
        _doc(ANNA_FRA, P.ANNA, "2026-P", "FRA09", TODAY),
    ]}), encoding="utf-8")
    run_cli(stand.env, "import", str(path))
    yield


def appeal(caller: Caller, requester: str, student: str, number: str) -> Any:
    answer = caller.call("submitAppeal", requester, personalCode=student, documentNumber=number,
                         text=TEXT)
    assert contract.body_schema().validate(payload(caller.last_response))
    return answer


def test_the_adult_student_appeals_once(caller: Caller, issued_today: None) -> None:
    first = appeal(caller, P.SOFIJA, P.SOFIJA, SOFIJA_LVA)
    assert first.role == "student" and first.alreadySubmitted is False
    assert first.appeal.reference.startswith(f"APL-{TODAY.year}-")
    assert first.appeal.status == "open"
    assert first.deadline == add_months(TODAY, 1)
    second = appeal(caller, P.SOFIJA, P.SOFIJA, SOFIJA_LVA)
    assert second.alreadySubmitted is True
    assert second.appeal.reference == first.appeal.reference
    listed = caller.call("listDocuments", P.SOFIJA, personalCode=P.SOFIJA).documents.document
    entry = next(d for d in listed if d.number == SOFIJA_LVA)
    assert entry.status == "under_appeal"
    assert entry.appeal.reference == first.appeal.reference and entry.appeal.status == "open"
    # to a third party a certificate under appeal is still valid
    verified = caller.call("verifyCertificate", P.ALEKSEJS, _client=VERIFIER,
                           documentNumber=SOFIJA_LVA, personalCode=P.SOFIJA)
    assert verified.status == "valid"


def test_a_minors_legal_representative_appeals(caller: Caller, issued_today: None) -> None:
    answer = appeal(caller, P.PETERIS, P.ANNA, ANNA_FRA)
    assert answer.role == "legal_representative" and answer.alreadySubmitted is False


def test_the_resocialisation_official_of_an_imprisoned_student_appeals(
        caller: Caller, issued_today: None) -> None:
    answer = appeal(caller, OFFICIAL, P.SOFIJA, SOFIJA_MAT)
    assert answer.role == "resocialisation_official"
    log = caller.call("getAccessLog", P.SOFIJA, personalCode=P.SOFIJA,
                      **{"from": TODAY.isoformat(), "to": TODAY.isoformat()})
    kinds = {(e.service, e.accessor, e.accessorName, e.outcome) for e in log.entries.entry}
    # named as the Prison Administration names her (RULES §13)
    assert ("submitAppeal", "official", "Ilona Kalniņa", "allowed") in kinds


def test_a_former_official_is_named_though_refused(caller: Caller, issued_today: None) -> None:
    expect_fault(lambda: appeal(caller, FORMER_OFFICIAL, P.SOFIJA, SOFIJA_MAT),
                 "AppealNotAllowed")
    log = caller.call("getAccessLog", P.SOFIJA, personalCode=P.SOFIJA,
                      **{"from": TODAY.isoformat(), "to": TODAY.isoformat()})
    kinds = {(e.service, e.accessor, e.accessorName, e.outcome) for e in log.entries.entry}
    assert ("submitAppeal", "official", "Edgars Lūsis", "refused") in kinds
    body = etree.tostring(payload(caller.last_response), encoding="unicode")
    assert FORMER_OFFICIAL not in body and FORMER_OFFICIAL.replace("-", "") not in body


def test_a_parent_of_an_adult_is_named_though_refused(caller: Caller,
                                                      issued_today: None) -> None:
    expect_fault(lambda: appeal(caller, P.PETERIS, P.JANIS, "2025/843971120331-LVA"),
                 "AppealNotAllowed")
    log = caller.call("getAccessLog", P.JANIS, personalCode=P.JANIS,
                      **{"from": TODAY.isoformat(), "to": TODAY.isoformat()})
    kinds = {(e.service, e.accessor, e.accessorName, e.outcome) for e in log.entries.entry}
    assert ("submitAppeal", "representative", "Pēteris Bērziņš", "refused") in kinds


def test_a_late_appeal_is_refused_saying_why(caller: Caller, issued_today: None) -> None:
    fault = expect_fault(lambda: appeal(caller, P.SOFIJA, P.SOFIJA, SOFIJA_LATE),
                         "AppealTooLate")
    texts = messages(fault)
    assert "mēneša" in texts["lv"] and "month" in texts["en"]


@pytest.mark.parametrize(("requester", "student", "number"), [
    pytest.param(P.ALEKSEJS, P.SOFIJA, SOFIJA_MAT, id="a stranger"),
    pytest.param(FORMER_OFFICIAL, P.SOFIJA, SOFIJA_MAT, id="a former official"),
    pytest.param(P.PETERIS, P.JANIS, "2025/843971120331-LVA", id="parent of an adult"),
    pytest.param(P.DACE, P.ERIKS, "2023/000000000000-LVA", id="guardian of an adult"),
])
def test_anyone_else_is_refused_saying_who_may(caller: Caller, issued_today: None,
                                               requester: str, student: str,
                                               number: str) -> None:
    fault = expect_fault(lambda: appeal(caller, requester, student, number), "AppealNotAllowed")
    assert "likumiskais pārstāvis" in messages(fault)["lv"]


def test_a_minor_cannot_appeal_themselves(caller: Caller, issued_today: None) -> None:
    expect_fault(lambda: appeal(caller, P.ANNA, P.ANNA, ANNA_FRA), "RequesterUnderage")


def test_a_certificate_the_student_does_not_have_is_not_found(
        caller: Caller, issued_today: None) -> None:
    for number in (ANNA_FRA, "2026/000000000000-FRA09"):  # another's; none
        expect_fault(lambda n=number: appeal(caller, P.SOFIJA, P.SOFIJA, n), "DocumentNotFound")


def test_a_superseded_certificate_cannot_be_appealed(caller: Caller) -> None:
    expect_fault(lambda: appeal(caller, P.SOFIJA, P.SOFIJA, "2025/345016345164-BIO"),
                 "DocumentNotAvailable")


DECIDED_REJECTED = f"{TODAY.year}/E2E-SOFIJA-DEC-R"
DECIDED_UPHELD = f"{TODAY.year}/E2E-SOFIJA-DEC-U"
DECIDED_NEW = f"{TODAY.year}/E2E-SOFIJA-DEC-U2"


def _import(stand: Stand, tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run_cli(stand.env, "import", str(path))


def _listed(caller: Caller, number: str) -> Any:
    listed = caller.call("listDocuments", P.SOFIJA, personalCode=P.SOFIJA).documents.document
    assert contract.body_schema().validate(payload(caller.last_response))
    return next(d for d in listed if d.number == number)


def test_a_rejected_appeal_shows_its_decision_and_the_certificate_is_valid_again(
        caller: Caller, stand: Stand, tmp_path: Path) -> None:
    _import(stand, tmp_path, {"documents": [_doc(DECIDED_REJECTED, P.SOFIJA, "2025-V", "MAT",
                                                 TODAY)]})
    reference = appeal(caller, OFFICIAL, P.SOFIJA, DECIDED_REJECTED).appeal.reference
    assert _listed(caller, DECIDED_REJECTED).status == "under_appeal"
    _import(stand, tmp_path, {"appeals": [{"reference": reference, "decision": "rejected",
                                           "decided_on": TODAY.isoformat()}]})
    # whoever filed it (the official lists no documents) sees the decision by its reference
    again = appeal(caller, OFFICIAL, P.SOFIJA, DECIDED_REJECTED)
    assert again.alreadySubmitted is True and again.appeal.reference == reference
    assert (again.appeal.status, again.appeal.decision, again.appeal.decidedOn,
            again.appeal.newCertificate) == ("decided", "rejected", TODAY, None)
    # and so does the student, with the certificate valid and downloadable again
    entry = _listed(caller, DECIDED_REJECTED)
    assert entry.status == "valid" and entry.supersededBy is None
    assert (entry.appeal.reference, entry.appeal.decision) == (reference, "rejected")
    got = caller.call("getDocument", P.SOFIJA, personalCode=P.SOFIJA,
                      documentNumber=DECIDED_REJECTED)
    assert got.content[:2] == b"PK"


def test_an_upheld_appeal_shows_the_new_certificate_and_the_old_is_superseded(
        caller: Caller, stand: Stand, tmp_path: Path) -> None:
    _import(stand, tmp_path, {"documents": [_doc(DECIDED_UPHELD, P.SOFIJA, "2025-V", "LVA",
                                                 TODAY)]})
    reference = appeal(caller, P.SOFIJA, P.SOFIJA, DECIDED_UPHELD).appeal.reference
    new = dict(_doc(DECIDED_NEW, P.SOFIJA, "2025-V", "LVA", TODAY), supersedes=DECIDED_UPHELD)
    decision = {"documents": [new], "appeals": [{
        "reference": reference, "decision": "upheld", "decided_on": TODAY.isoformat(),
        "new_certificate": DECIDED_NEW}]}
    _import(stand, tmp_path, decision)
    _import(stand, tmp_path, decision)  # loading twice changes nothing
    old = _listed(caller, DECIDED_UPHELD)
    assert (old.status, old.supersededBy) == ("superseded", DECIDED_NEW)
    assert (old.appeal.reference, old.appeal.status, old.appeal.decision,
            old.appeal.decidedOn, old.appeal.newCertificate) == (
        reference, "decided", "upheld", TODAY, DECIDED_NEW)
    current = _listed(caller, DECIDED_NEW)
    assert current.status == "valid" and current.appeal is None
    expect_fault(lambda: caller.call("getDocument", P.SOFIJA, personalCode=P.SOFIJA,
                                     documentNumber=DECIDED_UPHELD), "DocumentNotAvailable")
    again = appeal(caller, P.SOFIJA, P.SOFIJA, DECIDED_UPHELD)  # the filer asks again
    assert again.alreadySubmitted is True
    assert (again.appeal.decision, again.appeal.newCertificate) == ("upheld", DECIDED_NEW)



def test_the_demo_shows_a_rejected_appeal_on_a_valid_certificate(caller: Caller) -> None:
    """`gateway demo` files Sofija's MAT appeal and loads VISC's decision (docs/demo-people.md)."""
    entry = _listed(caller, "2025/782130687480-MAT")
    assert entry.status == "valid"
    assert (entry.appeal.reference, entry.appeal.status, entry.appeal.decision,
            entry.appeal.decidedOn, entry.appeal.newCertificate) == (
        "APL-2025-DEMO0002", "decided", "rejected", date(2025, 8, 8), None)
