"""The access log's store (RULES §13): keyset pages cover every record once, newest first, on
the (subject_code, at) index; page tokens round trip and refuse anything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, insert

from gateway.store.access_log import FIRST_PAGE, NEXT_PAGE, PageToken, page
from gateway.store.models import AuditRecord, AuditSubject
from gateway.store.verification import _COUNT, calls_since
from tests.store.test_indexes import plan

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
SUBJECT, OTHER = "14031024716", "22080621170"


@pytest.fixture
def audited(engine: Engine) -> Engine:
    rows = []
    for i in range(23):  # some share an instant, so the id breaks the tie
        rows.append({"at": T0 + timedelta(minutes=i // 2), "service": "getExamResults",
                     "client": "LV/GOV/90000026101/LVPORTAALS", "requester_code": SUBJECT,
                     "subject_code": SUBJECT, "outcome": "allowed"})
        rows.append({"at": T0 + timedelta(minutes=i), "service": "verifyCertificate",
                     "client": "LV/EDU/90000076669/LU", "requester_code": OTHER,
                     "subject_code": OTHER, "outcome": "allowed"})
    with engine.begin() as conn:
        conn.execute(insert(AuditRecord), rows)
        report = conn.execute(insert(AuditRecord).returning(AuditRecord.id), {
            "at": T0 + timedelta(minutes=30), "service": "getInstitutionResults",
            "client": "LV/GOV/90001234567/VIIS", "requester_code": OTHER,
            "subject_code": None, "outcome": "allowed"}).scalar_one()
        conn.execute(insert(AuditSubject), [{"audit_id": report, "subject_code": SUBJECT,
                                             "at": T0 + timedelta(minutes=30)}])
    return engine


@pytest.mark.parametrize("size", [1, 4, 23, 100])
def test_pages_cover_every_record_once_newest_first(audited: Engine, size: int) -> None:
    seen, token = [], None
    with audited.connect() as conn:
        for _ in range(30):
            lines, token = page(conn, SUBJECT, T0 - timedelta(days=1), T0 + timedelta(days=1),
                                size, token)
            assert len(lines) <= size
            seen.extend(lines)
            if token is None:
                break
    assert len(seen) == 24 and len({line.id for line in seen}) == 24
    keys = [(line.at, line.id) for line in seen]
    assert keys == sorted(keys, reverse=True)
    # the subject's own records, and the report that carried their data among others'
    assert seen[0].service == "getInstitutionResults"
    assert all(line.service == "getExamResults" for line in seen[1:])


def test_the_period_is_half_open(audited: Engine) -> None:
    with audited.connect() as conn:
        lines, _ = page(conn, SUBJECT, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2),
                        100, None)
    assert {line.at for line in lines} == {T0 + timedelta(minutes=1)}
    assert len(lines) == 2


def test_the_accessor_the_register_named_is_read_back(engine: Engine) -> None:
    """RULES §13: the record keeps the register's kind and name of the requester, refused too."""
    with engine.begin() as conn:
        conn.execute(insert(AuditRecord), [{
            "at": T0, "service": "getExamResults", "client": "LV/GOV/90000026101/LVPORTAALS",
            "requester_code": OTHER, "subject_code": SUBJECT, "outcome": "refused",
            "reason": "NoMandate", "accessor_kind": "representative",
            "accessor_name": "Jānis Bērziņš"}])
    with engine.connect() as conn:
        lines, _ = page(conn, SUBJECT, T0, T0 + timedelta(days=1), 10, None)
    assert [(line.outcome, line.accessor_kind, line.accessor_name) for line in lines] == [
        ("refused", "representative", "Jānis Bērziņš")]


@given(micros=st.integers(min_value=0, max_value=10**17 - 1),
       ident=st.integers(min_value=1, max_value=10**18 - 1))
def test_page_tokens_round_trip(micros: int, ident: int) -> None:
    token = PageToken(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros), ident)
    assert PageToken.decode(token.encode()) == token


@pytest.mark.parametrize("value", ["", "1", "1.", ".1", "1.2.3", "-1.2", "1.-2", "１.2",
                                   "1" * 18 + ".1", "1." + "1" * 19, " 1.2"])
def test_anything_else_is_not_a_token(value: str) -> None:
    with pytest.raises(ValueError):
        PageToken.decode(value)


def test_the_pages_and_the_rate_count_use_their_indexes(audited: Engine) -> None:
    params = {"subject": SUBJECT, "since": T0, "until": T0 + timedelta(days=1), "rows": 51,
              "before_at": T0, "before_id": 10}
    with audited.connect() as conn:
        for stmt in (FIRST_PAGE, NEXT_PAGE):
            text = plan(conn, stmt, params)
            assert "ix_audit_records_subject_code_at" in text
            assert "ix_audit_subjects_subject_code_at" in text
        count = {"client": "LV/EDU/90000076669/LU", "service": "verifyCertificate",
                 "since": T0, "most": 5}
        assert "ix_audit_records_client_service_at" in plan(conn, _COUNT, count)
        assert calls_since(conn, "LV/EDU/90000076669/LU", "verifyCertificate", T0, 5) == 5
        assert calls_since(conn, "LV/EDU/90000076669/LU", "verifyCertificate", T0, 100) == 23
