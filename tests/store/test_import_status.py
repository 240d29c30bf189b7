"""Certificate status in the import (RULES §9, §13): revocations and corrections round trip,
idempotent, all or nothing, and a sealed e-document is never changed."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from gateway.domain.certificate_status import CertificateStatus
from gateway.errors import ImportRejected
from gateway.store.documents import visible_documents
from gateway.store.importer import import_document
from gateway.store.models import Document
from tests.store.test_import import SMALL, dump

OLD = "2024/301949081206-FRA09"
NEW = "2024/301949081206-FRA09-2"
NOW = datetime(2024, 7, 20, 12, tzinfo=UTC)
ANNA = "01010821238"


def corrected(**extra: Any) -> dict[str, Any]:
    """SMALL plus a corrected certificate that supersedes the first."""
    doc = copy.deepcopy(SMALL)
    doc["documents"].append(dict(doc["documents"][0], number=NEW, issued_on="2024-07-15",
                                 supersedes=OLD, **extra))
    return doc


def statuses(engine: Engine) -> dict[str, tuple[CertificateStatus, str | None]]:
    with engine.connect() as conn:
        return {r.number: (r.status, r.superseded_by)
                for r in visible_documents(conn, ANNA, NOW)}


def test_a_document_without_status_is_valid(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    assert statuses(engine) == {OLD: (CertificateStatus.VALID, None)}


def test_a_correction_supersedes_the_old_certificate_and_names_the_new(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    import_document(engine, corrected())
    assert statuses(engine) == {OLD: (CertificateStatus.SUPERSEDED, NEW),
                                NEW: (CertificateStatus.VALID, None)}


def test_a_revocation_round_trips_and_can_be_withdrawn(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    revoked = copy.deepcopy(SMALL)
    revoked["documents"][0]["status"] = "revoked"
    summary = import_document(engine, revoked)
    assert summary.changed["documents"] == 1
    assert statuses(engine) == {OLD: (CertificateStatus.REVOKED, None)}
    assert import_document(engine, copy.deepcopy(revoked)).changed["documents"] == 0
    import_document(engine, copy.deepcopy(SMALL))  # VISC's word: valid again
    assert statuses(engine) == {OLD: (CertificateStatus.VALID, None)}


def test_status_changes_load_twice_with_no_change(engine: Engine) -> None:
    import_document(engine, corrected())
    before = dump(engine)
    again = import_document(engine, corrected())
    assert set(again.changed.values()) == {0}
    assert dump(engine) == before


def test_a_sealed_certificate_keeps_its_bytes_when_superseded_or_revoked(engine: Engine
                                                                         ) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    with engine.begin() as conn:
        conn.execute(update(Document).where(Document.number == OLD).values(
            edoc=b"sealed bytes", edoc_sha256="0" * 64, sealed_at=NOW))
    import_document(engine, corrected())
    revoked = corrected()
    revoked["documents"][0]["status"] = "revoked"
    import_document(engine, revoked)
    with engine.connect() as conn:
        assert conn.scalar(select(Document.edoc).where(Document.number == OLD)) == b"sealed bytes"
    changed = corrected()
    changed["documents"][0]["title"] = "Labots sertifikāts"  # a correction in place: refused
    with pytest.raises(ImportRejected, match="sealed"):
        import_document(engine, changed)


def _refused(engine: Engine, doc: dict[str, Any], fragment: str) -> None:
    before = dump(engine)
    with pytest.raises(ImportRejected) as caught:
        import_document(engine, doc)
    assert caught.value.field == "supersedes" or "status" in str(caught.value)
    assert fragment in str(caught.value)
    assert dump(engine) == before  # nothing half-loaded


def test_supersedes_must_name_a_known_document(engine: Engine) -> None:
    doc = corrected()
    doc["documents"][1]["supersedes"] = "2024/NOSUCH"
    _refused(engine, doc, "refers to no known document")


def test_a_document_cannot_supersede_itself(engine: Engine) -> None:
    doc = corrected()
    doc["documents"][1]["supersedes"] = NEW
    _refused(engine, doc, "cannot supersede itself")


def test_a_document_is_superseded_by_one_document_only(engine: Engine) -> None:
    doc = corrected()
    doc["documents"].append(dict(doc["documents"][1], number="2024/301949081206-FRA09-3"))
    _refused(engine, doc, "already supersedes")
    import_document(engine, corrected())
    later = copy.deepcopy(SMALL)
    later["documents"].append(dict(later["documents"][0], number="2024/301949081206-FRA09-3",
                                   supersedes=OLD))
    _refused(engine, later, "already superseded by another document")


def test_a_correction_is_the_same_persons_and_kind(engine: Engine) -> None:
    doc = corrected()
    doc["persons"].append({"personal_code": "150372-11111", "given_name": "Pēteris",
                           "family_name": "Bērziņš"})
    doc["documents"][1]["personal_code"] = "150372-11111"
    _refused(engine, doc, "another person's")


def test_a_chain_of_corrections_may_not_loop(engine: Engine) -> None:
    doc = corrected()
    doc["documents"][0]["supersedes"] = NEW
    _refused(engine, doc, "returns to this document")


def test_an_unknown_status_is_refused_by_the_schema(engine: Engine) -> None:
    doc = copy.deepcopy(SMALL)
    doc["documents"][0]["status"] = "superseded"  # follows from supersedes; never sent
    _refused(engine, doc, "documents[0]")


def test_a_correction_decides_the_open_appeal_against_the_old_certificate(engine: Engine
                                                                          ) -> None:
    from sqlalchemy import insert

    from gateway.store.models import Appeal

    import_document(engine, copy.deepcopy(SMALL))
    with engine.begin() as conn:
        conn.execute(insert(Appeal).values(
            reference="APL-2024-00000001", document_number=OLD, requester_code=ANNA,
            subject_code=ANNA, role="student", text="t", status="open", created_at=NOW))
    with engine.connect() as conn:
        before = {r.number: r for r in visible_documents(conn, ANNA, NOW)}
    assert before[OLD].status is CertificateStatus.UNDER_APPEAL
    import_document(engine, corrected())
    with engine.connect() as conn:
        after = {r.number: r for r in visible_documents(conn, ANNA, NOW)}
    assert after[OLD].status is CertificateStatus.SUPERSEDED
    assert after[OLD].appeal is not None and after[OLD].appeal.status == "decided"
    state = dump(engine)
    import_document(engine, corrected())  # a second load changes nothing
    assert dump(engine) == state
