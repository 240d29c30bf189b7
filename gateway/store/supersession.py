"""The import's rules for corrected certificates (RULES §9, §13), checked before anything is
written.

A document may name in ``supersedes`` the earlier document it corrects: the same person's, of
the same kind, in the file or already in the database, superseded by no other document, and no
document supersedes itself through a chain. The earlier document keeps its sealed e-document
as it is; it only becomes ``superseded`` (an appeal still open against it is closed by
:func:`gateway.store.appeal_decisions.close_superseded_appeals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from gateway.errors import ImportRejected
from gateway.store.models import Document

_CHUNK = 5000


def _reject(index: int, problem: str) -> ImportRejected:
    record = f"documents[{index}]"
    return ImportRejected(f"{record}, field 'supersedes': {problem}", record=record,
                          field="supersedes")


def _database_view(engine: Engine, wanted: set[str]) -> tuple[dict[str, tuple[str, str]],
                                                               dict[str, str]]:
    """For the numbers in ``wanted``: (person, kind) of those stored, and who supersedes them."""
    stored: dict[str, tuple[str, str]] = {}
    successor: dict[str, str] = {}
    ordered = sorted(wanted)
    with engine.connect() as conn:
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            for number, code, kind in conn.execute(
                select(Document.number, Document.personal_code, Document.kind).where(
                    Document.number.in_(chunk))):
                stored[number] = (code, kind)
            for number, old in conn.execute(
                select(Document.number, Document.supersedes).where(
                    Document.supersedes.in_(chunk))):
                assert old is not None
                successor[old] = number
    return stored, successor


def check_supersessions(engine: Engine, documents: Sequence[dict[str, Any]]) -> None:
    """Refuse the file at the first document whose ``supersedes`` breaks a rule above."""
    in_file = {d["number"]: d for d in documents}
    pairs = [(i, d["number"], d["supersedes"]) for i, d in enumerate(documents)
             if d.get("supersedes") is not None]
    if not pairs:
        return
    stored, db_successor = _database_view(engine, {old for _, _, old in pairs})
    claimed: dict[str, int] = {}
    for index, number, old in pairs:
        if old == number:
            raise _reject(index, "a document cannot supersede itself")
        if old in claimed:
            raise _reject(index, f"documents[{claimed[old]}] already supersedes {old}")
        claimed[old] = index
        if old in in_file:
            earlier = (in_file[old]["personal_code"], in_file[old]["kind"])
        elif old in stored:
            earlier = stored[old]
        else:
            raise _reject(index, "refers to no known document")
        if earlier != (in_file[number]["personal_code"], in_file[number]["kind"]):
            raise _reject(index, "the earlier document is another person's or of another kind")
        other = db_successor.get(old)
        if other is not None and other != number and not (
            other in in_file and in_file[other].get("supersedes") != old
        ):
            raise _reject(index, f"{old} is already superseded by another document")
    _refuse_cycles(pairs)


def _refuse_cycles(pairs: Sequence[tuple[int, str, str]]) -> None:
    newer_to_older = {number: old for _, number, old in pairs}
    for index, number, _ in pairs:
        seen = {number}
        current = newer_to_older.get(number)
        while current is not None:
            if current in seen:
                raise _reject(index, "the chain of corrections returns to this document")
            seen.add(current)
            current = newer_to_older.get(current)

