"""Certificate status end to end (RULES §13): the owner sees superseded and revoked
certificates with the new number; neither is downloadable; others get "not found"."""

from __future__ import annotations

from typing import Any

from gateway.soap import contract
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload

OLD_BIO = "2025/345016345164-BIO"  # superseded by the correction of gateway/demo/data
NEW_BIO = "2026/345016345164-BIO-1"
REVOKED_ANG = "2025/187606332719-ANG"
VALID_MAT = "2025/782130687480-MAT"


def entries(caller: Caller, requester: str, subject: str) -> dict[str, Any]:
    answer = caller.call("listDocuments", requester, personalCode=subject)
    assert contract.body_schema().validate(payload(caller.last_response))
    return {d.number: d for d in answer.documents.document}


def test_the_owner_sees_each_status_and_the_new_number(caller: Caller) -> None:
    listed = entries(caller, P.SOFIJA, P.SOFIJA)
    assert listed[OLD_BIO].status == "superseded"
    assert listed[OLD_BIO].supersededBy == NEW_BIO
    assert listed[NEW_BIO].status == "valid" and listed[NEW_BIO].supersededBy is None
    assert listed[REVOKED_ANG].status == "revoked"
    assert listed[VALID_MAT].status == "valid"


def test_superseded_and_revoked_are_not_downloadable(caller: Caller) -> None:
    for number in (OLD_BIO, REVOKED_ANG):
        fault = expect_fault(lambda n=number: caller.call(
            "getDocument", P.SOFIJA, personalCode=P.SOFIJA, documentNumber=n),
            "DocumentNotAvailable")
        assert "jaunā sertifikāta numuru" in str(fault.detail.xpath("string(.)"))
        expect_fault(lambda n=number: caller.call(
            "requestPaperCopy", P.SOFIJA, personalCode=P.SOFIJA, documentNumber=n,
            deliveryAddress={"recipient": "Sofija Vītola", "street": "Brīvības iela 1",
                             "city": "Rīga", "postalCode": "LV-1010", "country": "LV"}),
            "DocumentNotAvailable")
    answer = caller.call("getDocument", P.SOFIJA, personalCode=P.SOFIJA,
                         documentNumber=NEW_BIO)
    assert answer.documentNumber == NEW_BIO and answer.content


def test_for_anyone_else_they_are_not_found(caller: Caller) -> None:
    for number in (OLD_BIO, REVOKED_ANG, NEW_BIO):
        expect_fault(lambda n=number: caller.call(
            "getDocument", P.JANIS, personalCode=P.JANIS, documentNumber=n),
            "DocumentNotFound")
