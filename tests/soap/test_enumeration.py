"""No enumeration: a requester who asks about too many different persons is refused (and the
attempt is audited); answers for "no such person" and "not yours" are the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from gateway.domain.personal_code import check_digit
from gateway.store.models import AuditRecord
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault
from tests.stand import Stand, free_port, gateway_process

LIMIT = 3


def code(n: int) -> str:
    """A valid old-format code of someone born in 1985, not in the demo data."""
    first = f"0101851{n:03d}"
    return f"{first[:6]}-{first[6:]}{check_digit(first)}"


ENUMERATOR = code(999)


@pytest.fixture(scope="module")
def strict(stand: Stand) -> Iterator[Caller]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(stand.env, GATEWAY_PUBLIC_URL=url, GATEWAY_SUBJECT_LIMIT=str(LIMIT))
    with gateway_process(env, port, stand.data_dir):
        yield Caller(Stand(url=url, registry_url=stand.registry_url, data_dir=stand.data_dir,
                           database_url=stand.database_url, env=env))


def test_the_subject_after_the_limit_is_refused_and_audited(
    strict: Caller, stand_engine: Engine
) -> None:
    subjects = [code(n) for n in range(LIMIT + 1)]
    for subject in subjects[:LIMIT]:
        expect_fault(lambda s=subject: strict.call("getExamResults", ENUMERATOR,
                                                   personalCode=s), "NoMandate")
    expect_fault(lambda: strict.call("getExamResults", ENUMERATOR, personalCode=subjects[-1]),
                 "TooManySubjects")
    expect_fault(lambda: strict.call("listDocuments", ENUMERATOR, personalCode=P.ANNA),
                 "TooManySubjects")
    # A person already asked about is not a new one; oneself is never limited.
    expect_fault(lambda: strict.call("getExamResults", ENUMERATOR, personalCode=subjects[0]),
                 "NoMandate")
    assert strict.call("getExamResults", ENUMERATOR, personalCode=ENUMERATOR)
    with stand_engine.connect() as conn:
        reasons = conn.execute(select(AuditRecord.subject_code, AuditRecord.reason).where(
            AuditRecord.requester_code == ENUMERATOR.replace("-", ""))).all()
    assert (subjects[-1].replace("-", ""), "TooManySubjects") in reasons


def test_no_such_person_and_not_yours_answer_alike(caller: Caller) -> None:
    from lxml import etree

    def refusal(subject: str) -> bytes:
        expect_fault(lambda: caller.call("getExamResults", P.SOFIJA, personalCode=subject),
                     "NoMandate")
        return etree.tostring(caller.last_response, method="c14n")

    unknown, known, unpublished_only = refusal(P.OSKARS), refusal(P.JANIS), refusal(P.NIKITA)
    assert unknown == known == unpublished_only
