"""The hot queries use the indexes made for them, on SQLite and PostgreSQL (shown by EXPLAIN).

PostgreSQL is told not to scan sequentially, so that the plan shows what an index offers even
on the small test data; on a national data set the planner picks the same indexes by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from gateway.services.access import _ASKED_BEFORE
from gateway.store import queries
from gateway.store.documents import VISIBLE_DOCUMENTS, visibility

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def plan(conn: Connection, stmt: Any, params: dict[str, Any]) -> str:
    """The database's plan for ``stmt`` as one lower-case text."""
    compiled = stmt.compile(dialect=conn.dialect)
    values = compiled.construct_params(params)
    if conn.dialect.name == "sqlite":
        ordered = tuple(_sqlite_value(values[name]) for name in compiled.positiontup)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered).all()
        return " | ".join(str(row[-1]) for row in rows).lower()
    conn.exec_driver_sql("SET enable_seqscan = off")
    rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", values).all()
    return " | ".join(str(row[0]) for row in rows).lower()


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


@pytest.fixture
def loaded(demo_engine: Engine) -> Engine:
    return demo_engine


def test_results_by_person_use_the_natural_key(loaded: Engine) -> None:
    with loaded.connect() as conn:
        text = plan(conn, queries._PASSED_RESULTS, {"code": "22080621170", "now": NOW})
    # SQLite names a unique constraint's index itself.
    expected = {"sqlite": "search results using index sqlite_autoindex_results_1 (personal_code=?)",
                "postgresql": "uq_results_personal_code_session_code_exam_code"}
    assert expected[loaded.dialect.name] in text


def test_documents_by_person_use_their_index(loaded: Engine) -> None:
    with loaded.connect() as conn:
        text = plan(conn, VISIBLE_DOCUMENTS, visibility("22080621170", NOW))
    assert "ix_documents_personal_code" in text


def test_the_subject_limit_probe_uses_requester_and_subject(loaded: Engine) -> None:
    params = {"requester": "02057817513", "subject": "14031024716",
              "since": NOW - timedelta(hours=24)}
    with loaded.connect() as conn:
        text = plan(conn, _ASKED_BEFORE, params)
    assert "ix_audit_records_requester_code_subject_code_at" in text


def test_who_accessed_a_person_uses_subject_and_time(loaded: Engine) -> None:
    """The one access-log query (getAccessLog, the portal, ``gateway audit``)."""
    from gateway.domain.personal_code import parse_personal_code
    from gateway.services.access_log import operator_access_log
    from gateway.store.access_log import FIRST_PAGE

    params = {"subject": "14031024716", "since": NOW - timedelta(days=400), "until": NOW,
              "rows": 51}
    with loaded.connect() as conn:
        text = plan(conn, FIRST_PAGE, params)
    assert "ix_audit_records_subject_code_at" in text
    assert "ix_audit_subjects_subject_code_at" in text
    assert operator_access_log(loaded, {}, parse_personal_code("14031024716"), limit=10) == []
