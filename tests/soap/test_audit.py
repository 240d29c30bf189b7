"""Every call, allowed or refused, leaves exactly one committed audit record (RULES §7)."""

from __future__ import annotations

import contextlib
import uuid

import zeep.exceptions
from sqlalchemy import Engine, func, select

from gateway.store.models import AuditRecord
from tests.soap import envelopes as E
from tests.soap import people as P
from tests.soap.conftest import Caller, post, xroad_headers
from tests.stand import Stand, run_cli


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditRecord)) or 0


def record(engine: Engine, message_id: str) -> AuditRecord:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditRecord).where(AuditRecord.message_id == message_id)).all()
    assert len(rows) == 1, f"{len(rows)} records for {message_id}"
    return rows[0]  # type: ignore[return-value]


def call(caller: Caller, requester: str, subject: str, message_id: str) -> None:
    headers = xroad_headers(requester, message_id=message_id)
    with contextlib.suppress(zeep.exceptions.Fault):
        caller.service.getExamResults(personalCode=subject, _soapheaders=headers)


def test_each_call_writes_one_record_with_its_outcome(
    caller: Caller, stand: Stand, stand_engine: Engine
) -> None:
    run = uuid.uuid4().hex[:8]
    cases = [
        (P.JANIS, P.JANIS, "allowed", "self"),
        (P.PETERIS, P.ANNA, "allowed", "parent_with_custody"),
        (P.DACE, P.ERIKS, "allowed", "guardian_of_adult"),
        (P.PETERIS, P.JANIS, "refused", "NoMandate"),
        (P.ALEKSEJS, P.OSKARS, "refused", "NoMandate"),
        (P.JANIS, "220806-21171", "refused", "InvalidPersonalCode"),
    ]
    before = count(stand_engine)
    for n, (requester, subject, _, _) in enumerate(cases):
        call(caller, requester, subject, f"audit-{run}-{n}")
    post(stand, E.envelope(E.HEADERS.replace("e2e-0001", f"audit-{run}-client").replace(
        "LVPORTAALS", "EKLASE")))
    post(stand, E.envelope(E.HEADERS.replace("e2e-0001", f"audit-{run}-v") .replace(
        ">4.0<", ">3.1<")))
    post(stand, b"<not-soap/>")
    assert count(stand_engine) == before + len(cases) + 3

    for n, (requester, subject, outcome, reason) in enumerate(cases):
        row = record(stand_engine, f"audit-{run}-{n}")
        assert (row.outcome, row.reason) == (outcome, reason)
        assert row.requester_code == requester.replace("-", "")
        assert row.service == "getExamResults"
        assert row.client == "LV/GOV/90000026101/LVPORTAALS"
        if reason != "InvalidPersonalCode":
            assert row.subject_code == subject.replace("-", "")
    unknown = record(stand_engine, f"audit-{run}-client")
    assert (unknown.outcome, unknown.reason, unknown.client) == (
        "refused", "UnknownClient", "LV/GOV/90000026101/EKLASE")
    assert record(stand_engine, f"audit-{run}-v").reason == "InvalidRequest"


def test_gateway_audit_prints_who_accessed_a_person(caller: Caller, stand: Stand) -> None:
    caller.call("getExamResults", P.MARA, personalCode=P.MARTINS)
    done = run_cli(stand.env, "audit", "--person", P.MARTINS)
    assert f"accesses to the data of {P.MARTINS}" in done.stdout
    line = next(x for x in done.stdout.splitlines() if "guardian_of_minor" in x)
    assert "getExamResults" in line and "allowed" in line
    # named as the register names her (RULES §13); her personal code is not printed
    assert "by representative (Māra Liepiņa)" in line
    assert P.MARA not in done.stdout and P.MARA.replace("-", "") not in done.stdout


def test_with_group_commit_every_answer_has_its_record(stand: Stand) -> None:
    """``audit_group_commit = true``: concurrent calls through a real gateway, each answered
    only once its record is committed."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from gateway.store.db import create_engine_from_url
    from tests.stand import free_port, gateway_process

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(stand.env, GATEWAY_PUBLIC_URL=url, GATEWAY_AUDIT_GROUP_COMMIT="true")
    run = uuid.uuid4().hex[:8]

    def one(n: int) -> tuple[str, int]:
        message = f"group-{run}-{n}"
        body = E.envelope(E.HEADERS.replace(E.ID, f"<xrd:id>{message}</xrd:id>"))
        reply = requests.post(url, data=body, timeout=30,
                              headers={"Content-Type": "text/xml; charset=utf-8"})
        return message, reply.status_code

    with gateway_process(env, port, stand.data_dir), ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(40)))
    assert {status for _, status in answers} == {200}
    engine = create_engine_from_url(stand.database_url)
    try:
        for message, _status in answers:
            assert record(engine, message).outcome == "allowed"
    finally:
        engine.dispose()
