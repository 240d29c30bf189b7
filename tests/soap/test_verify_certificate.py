"""verifyCertificate end to end (RULES §13): status only, and when valid exam, year and total;
a wrong holder code is not found; configured verifiers only; rate-limited per client; audited."""

from __future__ import annotations

from typing import Any

from lxml import etree
from sqlalchemy import Engine, select

from gateway.ns import VPIS
from gateway.soap import contract
from gateway.store.models import AuditRecord
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload
from tests.soap.test_status import NEW_BIO, OLD_BIO, REVOKED_ANG, VALID_MAT
from tests.stand import EMPLOYER, EMPLOYER_2, GUESSER, PORTAL, VERIFIER, VERIFY_LIMIT

UNIVERSITY_CLERK = P.ALEKSEJS  # the person at the university's keyboard


def verify(caller: Caller, number: str, holder: str, client: str = VERIFIER) -> Any:
    answer = caller.call("verifyCertificate", UNIVERSITY_CLERK, _client=client,
                         documentNumber=number, personalCode=holder)
    assert contract.body_schema().validate(payload(caller.last_response))
    return answer


def fields(caller: Caller) -> list[str]:
    return [etree.QName(child).localname for child in payload(caller.last_response)]


def test_a_valid_certificate_gives_exam_year_and_total_only(caller: Caller) -> None:
    answer = verify(caller, NEW_BIO, P.SOFIJA)
    assert answer.status == "valid"
    assert (answer.examCode, answer.schoolYear, float(answer.totalPercent)) == (
        "BIO", "2024/2025", 65.8)
    assert fields(caller) == ["documentNumber", "status", "examCode", "examName",
                              "schoolYear", "totalPercent", "Signature"]
    assert P.SOFIJA.replace("-", "") not in etree.tostring(caller.last_response).decode()


def test_superseded_and_revoked_give_the_status_alone(caller: Caller) -> None:
    for number, status in ((OLD_BIO, "superseded"), (REVOKED_ANG, "revoked")):
        answer = verify(caller, number, P.SOFIJA)
        assert answer.status == status
        assert fields(caller) == ["documentNumber", "status", "Signature"]
        assert NEW_BIO not in etree.tostring(caller.last_response).decode()


def test_a_wrong_holder_is_not_found_exactly_like_no_certificate(caller: Caller) -> None:
    answers = []
    for number, holder in ((VALID_MAT, P.JANIS), (VALID_MAT, P.OSKARS),
                           ("2025/000000000000-MAT", P.SOFIJA)):
        assert verify(caller, number, holder, client=GUESSER).status == "not_found"
        body = payload(caller.last_response)
        assert fields(caller) == ["documentNumber", "status", "Signature"]
        answers.append(body.findtext(f"{{{VPIS}}}status"))
    assert answers == ["not_found"] * 3
    # RULES §14: three failures within 10 minutes block the client for 24 hours, whatever it
    # asks next — the right holder's code too — by personal code and by share code alike
    expect_fault(lambda: verify(caller, VALID_MAT, P.SOFIJA, client=GUESSER),
                 "VerificationBlocked")
    expect_fault(lambda: caller.call("verifyShare", UNIVERSITY_CLERK, _client=GUESSER,
                                     documentNumber=VALID_MAT, shareCode="X" * 21),
                 "VerificationBlocked")
    assert verify(caller, VALID_MAT, P.SOFIJA).status == "valid"  # another client is not


def test_only_configured_verifiers_may_verify(caller: Caller) -> None:
    expect_fault(lambda: caller.call("verifyCertificate", UNIVERSITY_CLERK, _client=PORTAL,
                                     documentNumber=VALID_MAT, personalCode=P.SOFIJA),
                 "UnknownClient")


def test_each_verification_is_audited_with_the_client(caller: Caller,
                                                      stand_engine: Engine) -> None:
    verify(caller, VALID_MAT, P.SOFIJA)
    with stand_engine.connect() as conn:
        row = conn.execute(select(AuditRecord).where(AuditRecord.service == "verifyCertificate")
                           .order_by(AuditRecord.id.desc()).limit(1)).one()
    assert row.client == VERIFIER and row.outcome == "allowed"
    assert row.subject_code == P.SOFIJA.replace("-", "")
    assert row.reason == "verified_valid" and row.documents == [VALID_MAT]


def test_a_verifier_is_limited_per_window(caller: Caller, stand_engine: Engine) -> None:
    for _ in range(VERIFY_LIMIT):
        verify(caller, VALID_MAT, P.SOFIJA, client=EMPLOYER)
    expect_fault(lambda: verify(caller, VALID_MAT, P.SOFIJA, client=EMPLOYER),
                 "TooManyRequests")
    assert verify(caller, VALID_MAT, P.SOFIJA, client=EMPLOYER_2).status == "valid"  # not it
    with stand_engine.connect() as conn:
        refused = conn.scalar(select(AuditRecord.reason).where(
            AuditRecord.client == EMPLOYER, AuditRecord.outcome == "refused"))
    assert refused == "TooManyRequests"


def test_the_holder_sees_the_verification_in_their_access_log(caller: Caller) -> None:
    from gateway.demo import DEMO_TODAY

    verify(caller, VALID_MAT, P.SOFIJA)
    today = DEMO_TODAY.isoformat()  # the stand's gateway runs on the demo's clock
    log = caller.call("getAccessLog", P.SOFIJA, personalCode=P.SOFIJA,
                      **{"from": today, "to": today, "pageSize": 100})
    mine = [e for e in log.entries.entry if e.service == "verifyCertificate"]
    assert mine and all(e.accessor == "verifier" and e.accessorName is None for e in mine)
    assert {e.client for e in mine} >= {VERIFIER}
