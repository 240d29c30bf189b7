"""VISC's decisions on appeals in the import (RULES §9, §13), checked before anything is written.

A record of ``appeals`` names an appeal by its reference and says ``upheld`` (the result
changed: ``new_certificate`` names the certificate, in the same file or already stored, that
supersedes the appealed one) or ``rejected`` (the result stands: no new certificate, and nothing
supersedes the appealed one; it is ``valid`` again). Either closes the appeal. A decision once
recorded does not change into the other; the same file loaded again changes nothing.

An appeal still open when the import supersedes its certificate without a record here is
closed as upheld, on the day the new certificate was issued: the correction is the decision
(:func:`close_superseded_appeals`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update

from gateway.domain.age import riga_date
from gateway.domain.documents import AppealOutcome, AppealStatus
from gateway.errors import ImportRejected
from gateway.store.models import Appeal, Document

SECTION = "appeals"
_CHUNK = 5000


def _reject(index: int, fieldname: str | None, problem: str) -> ImportRejected:
    record = f"{SECTION}[{index}]"
    where = f"{record}, field '{fieldname}'" if fieldname else record
    return ImportRejected(f"{where}: {problem}", record=record, field=fieldname)


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One checked record of ``appeals``."""

    index: int
    reference: str
    decision: AppealOutcome
    decided_on: date
    new_certificate: str | None


@dataclass(frozen=True, slots=True)
class _Stored:
    document_number: str
    status: AppealStatus
    decision: str | None
    decided_on: date | None
    filed_at: datetime


def parse_decisions(records: Sequence[Mapping[str, Any]]) -> list[DecisionRow]:
    """The file's ``appeals`` as rows, checked on their own (the schema has passed them)."""
    rows: list[DecisionRow] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(records):
        if r["reference"] in seen:
            raise _reject(i, None, f"repeats the record {SECTION}[{seen[r['reference']]}]")
        seen[r["reference"]] = i
        try:
            decided_on = date.fromisoformat(r["decided_on"])
        except ValueError:
            raise _reject(i, "decided_on", "is not a date") from None
        decision = AppealOutcome(r["decision"])
        new = r.get("new_certificate")
        if decision is AppealOutcome.UPHELD and new is None:
            raise _reject(i, "new_certificate",
                          "an upheld appeal needs the new certificate that supersedes the old")
        if decision is AppealOutcome.REJECTED and new is not None:
            raise _reject(i, "new_certificate",
                          "a rejected appeal has no new certificate: the old one stays valid")
        rows.append(DecisionRow(i, r["reference"], decision, decided_on, new))
    return rows


def _stored_appeals(conn: Connection, references: list[str]) -> dict[str, _Stored]:
    found: dict[str, _Stored] = {}
    for start in range(0, len(references), _CHUNK):
        for ref, number, status, decision, decided_on, filed_at in conn.execute(
            select(Appeal.reference, Appeal.document_number, Appeal.status, Appeal.decision,
                   Appeal.decided_on, Appeal.created_at)
            .where(Appeal.reference.in_(references[start : start + _CHUNK]))
        ):
            found[ref] = _Stored(number, AppealStatus(status), decision, decided_on, filed_at)
    return found


def _successors(conn: Connection, numbers: list[str], documents: Sequence[Mapping[str, Any]]
                ) -> dict[str, str]:
    """Which document supersedes each of ``numbers`` once the file is written: the file's
    word for the documents it holds, the database's for the others."""
    in_file = {d["number"]: d.get("supersedes") for d in documents}
    successor: dict[str, str] = {}
    for start in range(0, len(numbers), _CHUNK):
        for newer, older in conn.execute(
            select(Document.number, Document.supersedes)
            .where(Document.supersedes.in_(numbers[start : start + _CHUNK]))
        ):
            if newer not in in_file and older is not None:
                successor[older] = newer
    wanted = set(numbers)
    for newer, older in in_file.items():
        if older is not None and older in wanted:
            successor[older] = newer
    return successor


def check_decisions(engine: Engine, rows: Sequence[DecisionRow],
                    documents: Sequence[Mapping[str, Any]]) -> list[DecisionRow]:
    """Refuse the file at the first decision that breaks a rule above; return the decisions
    that change something (none when the same file is loaded again)."""
    if not rows:
        return []
    with engine.connect() as conn:
        stored = _stored_appeals(conn, sorted(r.reference for r in rows))
        appealed = sorted({s.document_number for s in stored.values()})
        successor = _successors(conn, appealed, documents)
    changing: list[DecisionRow] = []
    for row in rows:
        appeal = stored.get(row.reference)
        if appeal is None:
            raise _reject(row.index, "reference", "refers to no known appeal")
        if appeal.status is AppealStatus.WITHDRAWN:
            raise _reject(row.index, "reference", "the appeal was withdrawn; nothing to decide")
        if row.decided_on < riga_date(appeal.filed_at):
            raise _reject(row.index, "decided_on", "is before the appeal was filed")
        newer = successor.get(appeal.document_number)
        if row.decision is AppealOutcome.REJECTED and newer is not None:
            raise _reject(row.index, "decision", f"rejected, but {newer} supersedes "
                          f"the appealed certificate {appeal.document_number}")
        if row.decision is AppealOutcome.UPHELD and newer != row.new_certificate:
            raise _reject(row.index, "new_certificate", "does not supersede the appealed "
                          f"certificate {appeal.document_number}")
        if appeal.decision is not None and appeal.decision != row.decision:
            raise _reject(row.index, "decision", f"the appeal was {appeal.decision} already; "
                          "a decision does not change")
        if (appeal.status, appeal.decision, appeal.decided_on) != (
                AppealStatus.DECIDED, row.decision, row.decided_on):
            changing.append(row)
    return changing


def write_decisions(conn: Connection, rows: Sequence[DecisionRow]) -> int:
    """Record the decisions that :func:`check_decisions` found changing; how many."""
    if rows:
        conn.execute(
            update(Appeal).where(Appeal.reference == bindparam("ref"))
            .values(status=AppealStatus.DECIDED, decision=bindparam("verdict"),
                    decided_on=bindparam("on")),
            [{"ref": r.reference, "verdict": r.decision.value, "on": r.decided_on}
             for r in rows],
        )
    return len(rows)


def close_superseded_appeals(conn: Connection, documents: Sequence[Mapping[str, Any]]) -> None:
    """Close as upheld the appeals still open against the documents this import supersedes,
    decided on the day the new certificate was issued. A second load finds none open."""
    closing = [{"old": d["supersedes"], "on": d["issued_on"]} for d in documents
               if d.get("supersedes") is not None]
    if closing:
        conn.execute(
            update(Appeal)
            .where(Appeal.document_number == bindparam("old"),
                   Appeal.status == AppealStatus.OPEN)
            .values(status=AppealStatus.DECIDED, decision=AppealOutcome.UPHELD.value,
                    decided_on=bindparam("on")),
            closing,
        )
