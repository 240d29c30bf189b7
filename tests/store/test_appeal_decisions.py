"""VISC's decisions on appeals in the import (RULES §9, §13): rejected → the certificate is valid
again and downloadable; upheld → superseded by the new certificate; loading twice changes
nothing; every bad decision refuses the whole file, naming the record and the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, select, text, update

from gateway.domain.certificate_status import CertificateStatus, downloadable
from gateway.domain.documents import AppealOutcome, AppealStatus
from gateway.errors import ImportRejected
from gateway.store.db import alembic_config, create_engine_from_url, upgrade
from gateway.store.documents import DocumentRow, visible_documents
from gateway.store.importer import import_document
from gateway.store.models import Appeal
from tests.store.test_import import SMALL, dump
from tests.store.test_import_status import ANNA, NEW, NOW, OLD, corrected

REF = "APL-2024-0000000A"


def rejected(**extra: Any) -> dict[str, Any]:
    return {"appeals": [dict({"reference": REF, "decision": "rejected",
                              "decided_on": "2024-07-18"}, **extra)]}


def upheld(**extra: Any) -> dict[str, Any]:
    """The corrected certificate and the decision that it answers the appeal."""
    doc = corrected()
    doc["appeals"] = [dict({"reference": REF, "decision": "upheld", "decided_on": "2024-07-18",
                            "new_certificate": NEW}, **extra)]
    return doc


def _appealed(engine: Engine) -> None:
    """SMALL loaded, and Anna's appeal against OLD open (filed 2024-07-05)."""
    import_document(engine, copy.deepcopy(SMALL))
    with engine.begin() as conn:
        conn.execute(insert(Appeal).values(
            reference=REF, document_number=OLD, requester_code=ANNA, subject_code=ANNA,
            role="student", text="t", status="open",
            created_at=datetime(2024, 7, 5, 9, tzinfo=UTC)))


def listed(engine: Engine) -> dict[str, DocumentRow]:
    with engine.connect() as conn:
        return {r.number: r for r in visible_documents(conn, ANNA, NOW)}


def test_a_rejected_appeal_makes_the_certificate_valid_again(engine: Engine) -> None:
    _appealed(engine)
    assert listed(engine)[OLD].status is CertificateStatus.UNDER_APPEAL
    summary = import_document(engine, rejected())
    assert summary.changed["appeals"] == 1
    row = listed(engine)[OLD]
    assert row.status is CertificateStatus.VALID and downloadable(row.status)
    assert row.appeal is not None
    assert (row.appeal.reference, row.appeal.status, row.appeal.decision,
            row.appeal.decided_on, row.appeal.new_certificate) == (
        REF, AppealStatus.DECIDED, AppealOutcome.REJECTED, date(2024, 7, 18), None)
    state = dump(engine)
    assert import_document(engine, rejected()).changed["appeals"] == 0  # loading twice
    assert dump(engine) == state


def test_an_upheld_appeal_supersedes_the_certificate_with_the_new_one(engine: Engine) -> None:
    _appealed(engine)
    summary = import_document(engine, upheld())
    assert summary.changed["appeals"] == 1
    rows = listed(engine)
    assert (rows[OLD].status, rows[OLD].superseded_by) == (CertificateStatus.SUPERSEDED, NEW)
    assert not downloadable(rows[OLD].status)
    assert rows[NEW].status is CertificateStatus.VALID and rows[NEW].appeal is None
    appeal = rows[OLD].appeal
    assert appeal is not None
    assert (appeal.status, appeal.decision, appeal.decided_on, appeal.new_certificate) == (
        AppealStatus.DECIDED, AppealOutcome.UPHELD, date(2024, 7, 18), NEW)
    state = dump(engine)
    assert import_document(engine, upheld()).changed == {name: 0 for name in summary.changed}
    assert dump(engine) == state


def test_the_new_certificate_may_come_in_an_earlier_file(engine: Engine) -> None:
    _appealed(engine)
    import_document(engine, corrected())  # the correction alone closes it: upheld, on its day
    appeal = listed(engine)[OLD].appeal
    assert appeal is not None
    assert (appeal.decision, appeal.decided_on, appeal.new_certificate) == (
        AppealOutcome.UPHELD, date(2024, 7, 15), NEW)
    decision = {"appeals": upheld()["appeals"]}  # the decision alone, with its own date
    assert import_document(engine, copy.deepcopy(decision)).changed["appeals"] == 1
    appeal = listed(engine)[OLD].appeal
    assert appeal is not None and appeal.decided_on == date(2024, 7, 18)
    assert import_document(engine, copy.deepcopy(decision)).changed["appeals"] == 0


Mutation = Callable[[dict[str, Any]], None]


def _set(key: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["appeals"][0][key] = value

    return mutate


def _drop(key: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del doc["appeals"][0][key]

    return mutate


def _not_superseding(doc: dict[str, Any]) -> None:
    del doc["documents"][1]["supersedes"]


def _twice(doc: dict[str, Any]) -> None:
    doc["appeals"].append(copy.deepcopy(doc["appeals"][0]))


def _rejected_but_superseded(doc: dict[str, Any]) -> None:
    doc["appeals"][0]["decision"] = "rejected"
    del doc["appeals"][0]["new_certificate"]


REFUSALS = [
    # (case, mutation of upheld(), field, words in the message)
    ("unknown appeal", _set("reference", "APL-2024-FFFFFFFF"), "reference", "no known appeal"),
    ("upheld without a new certificate", _drop("new_certificate"), "new_certificate",
     "needs the new certificate"),
    ("rejected with a new certificate", _set("decision", "rejected"), "new_certificate",
     "has no new certificate"),
    ("new certificate not superseding", _not_superseding, "new_certificate",
     f"does not supersede the appealed certificate {OLD}"),
    ("new certificate unknown", _set("new_certificate", "2024/NOSUCH"), "new_certificate",
     "does not supersede"),
    ("rejected, yet the file supersedes", _rejected_but_superseded, "decision",
     f"{NEW} supersedes"),
    ("decided before it was filed", _set("decided_on", "2024-07-04"), "decided_on",
     "before the appeal was filed"),
    ("not a date", _set("decided_on", "2024-02-30"), "decided_on", "not a date"),
    ("unknown decision", _set("decision", "partly"), "decision", "must be one of"),
    ("malformed reference", _set("reference", "APL-2024-x\n"), "reference", "must match"),
    ("unknown field", _set("comment", "x"), None, "comment"),
]


@pytest.mark.parametrize(("mutate", "field", "words"),
                         [pytest.param(m, f, w, id=case) for case, m, f, w in REFUSALS])
def test_a_bad_decision_refuses_the_whole_file(engine: Engine, mutate: Mutation,
                                               field: str | None, words: str) -> None:
    _appealed(engine)
    before = dump(engine)
    doc = upheld()
    mutate(doc)
    with pytest.raises(ImportRejected) as caught:
        import_document(engine, doc)
    assert (caught.value.record, caught.value.field) == ("appeals[0]", field)
    assert words in str(caught.value)
    assert dump(engine) == before  # not the corrected certificate either: nothing half-loaded


def test_a_repeated_decision_refuses_the_file(engine: Engine) -> None:
    _appealed(engine)
    doc = upheld()
    _twice(doc)
    with pytest.raises(ImportRejected, match=r"appeals\[1\]: repeats the record appeals\[0\]"):
        import_document(engine, doc)


def test_a_decision_does_not_change_into_the_other(engine: Engine) -> None:
    _appealed(engine)
    import_document(engine, rejected())
    before = dump(engine)
    with pytest.raises(ImportRejected, match="was rejected already") as caught:
        import_document(engine, upheld())
    assert (caught.value.record, caught.value.field) == ("appeals[0]", "decision")
    assert dump(engine) == before


def test_the_migration_records_earlier_closed_appeals_as_upheld(database_url: str) -> None:
    """Before 0007_appeal_decisions only a correction closed an appeal: those appeals become
    upheld, on the day the new certificate was issued; an open one stays open. Downgrading
    drops the columns."""
    eng = create_engine_from_url(database_url)
    try:
        upgrade(eng, "0006")
        with eng.begin() as conn:
            conn.execute(text("INSERT INTO persons VALUES ('01010821238', 'Anna', 'B')"))
            for number, issued, older in ((OLD, "2024-07-01", None), (NEW, "2024-07-15", OLD),
                                          ("2024/OTHER", "2024-07-01", None)):
                conn.execute(text(
                    "INSERT INTO documents (number, kind, personal_code, issued_on, title,"
                    " status, supersedes) VALUES (:n, 'language_decision', '01010821238',"
                    " :i, 'T', 'valid', :o)"), {"n": number, "i": date.fromisoformat(issued),
                                                "o": older})
            for ref, number, status in ((REF, OLD, "decided"), ("APL-2024-0000000B",
                                                                "2024/OTHER", "open")):
                conn.execute(text(
                    "INSERT INTO appeals (reference, document_number, requester_code,"
                    " subject_code, role, text, status, created_at) VALUES (:r, :n,"
                    " '01010821238', '01010821238', 'student', 't', :s, :at)"),
                    {"r": ref, "n": number, "s": status,
                     "at": datetime(2024, 7, 5, 9, tzinfo=UTC)})
        upgrade(eng)
        with eng.connect() as conn:
            rows = conn.execute(select(Appeal.reference, Appeal.decision, Appeal.decided_on)
                                .order_by(Appeal.reference)).all()
        assert [tuple(r) for r in rows] == [(REF, "upheld", date(2024, 7, 15)),
                                            ("APL-2024-0000000B", None, None)]
        command.downgrade(alembic_config(eng), "0006")
        assert "decision" not in {c["name"] for c in inspect(eng).get_columns("appeals")}
    finally:
        eng.dispose()


def test_a_withdrawn_appeal_is_not_decided(engine: Engine) -> None:
    _appealed(engine)
    with engine.begin() as conn:
        conn.execute(update(Appeal).values(status="withdrawn"))
    before = dump(engine)
    with pytest.raises(ImportRejected, match="withdrawn") as caught:
        import_document(engine, rejected())
    assert (caught.value.record, caught.value.field) == ("appeals[0]", "reference")
    assert dump(engine) == before
