"""Bulk upserts by natural key, for SQLite and PostgreSQL alike; and the one open row.

``INSERT … ON CONFLICT (key) DO UPDATE … WHERE <something differs>``: a row that is already as
the file says is not touched, so a second load of the same file changes nothing and the
counts returned are the rows really inserted or changed. :func:`open_once` keeps one open row
(a paper-copy request, an appeal) per document under a partial unique index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Executable, Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from gateway.store.models import Document, Exam, ExamSession, Institution, Person, Result

CHUNK = 2000


class ImportRows(Protocol):
    sessions: list[dict[str, Any]]
    exams: list[dict[str, Any]]
    institutions: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    results: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def upsert(conn: Connection, table: Table, keys: Sequence[str], rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` into ``table``, updating rows whose ``keys`` exist and differ."""
    if not rows:
        return 0
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    columns = [c for c in rows[0] if c not in keys]
    changed = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in columns))
    returning = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: stmt.excluded[c] for c in columns},
        where=changed,
    ).returning(table.c[keys[0]])
    # Counted from RETURNING: batched executemany reports no reliable rowcount.
    count = 0
    for start in range(0, len(rows), CHUNK):
        count += len(conn.execute(returning, rows[start : start + CHUNK]).all())
    return count


def write_all(conn: Connection, rows: ImportRows) -> dict[str, int]:
    """Write every section in reference order; return the rows inserted or changed."""

    def table(model: Any) -> Table:
        t = model.__table__
        assert isinstance(t, Table)
        return t

    return {
        "sessions": upsert(conn, table(ExamSession), ["code"], rows.sessions),
        "exams": upsert(conn, table(Exam), ["code"], rows.exams),
        "institutions": upsert(conn, table(Institution), ["code"], rows.institutions),
        "persons": upsert(conn, table(Person), ["personal_code"], rows.persons),
        "results": upsert(
            conn, table(Result), ["personal_code", "session_code", "exam_code"], rows.results
        ),
        "documents": upsert(conn, table(Document), ["number"], rows.documents),
    }


Row = TypeVar("Row")


def open_once(conn: Connection, find: Callable[[], Row | None], create: Executable
              ) -> tuple[Row, bool]:
    """The open row ``find`` returns: already there (``True``), or made now by ``create``
    (``False``). Two calls at once: the unique index lets one insert win; the other returns it."""
    existing = find()
    if existing is not None:
        return existing, True
    try:
        with conn.begin_nested():
            conn.execute(create)
    except IntegrityError:  # another call opened one at the same moment
        existing = find()
        assert existing is not None
        return existing, True
    created = find()
    assert created is not None
    return created, False
