"""Appeals in the store (RULES §8, §13): at most one open appeal per certificate, and VISC's
decision on each once the import brings it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import aliased

from gateway.domain.documents import AppealOutcome, AppealStatus
from gateway.store.models import Appeal, Document
from gateway.store.upsert import open_once


@dataclass(frozen=True, slots=True)
class AppealRow:
    """An appeal as its filer and the certificate's owner see it: once decided, the decision,
    its date and, when upheld, the certificate that superseded the appealed one."""

    reference: str
    status: AppealStatus
    filed_at: datetime
    decision: AppealOutcome | None = None
    decided_on: date | None = None
    new_certificate: str | None = None


_NEWER = aliased(Document, name="newer")
_COLUMNS = (Appeal.reference, Appeal.status, Appeal.created_at, Appeal.decision,
            Appeal.decided_on, _NEWER.number)


def _with_successor(*columns: Any) -> Any:
    """The appeal's columns and the number of the document that supersedes the appealed one
    (RULES §13: an upheld appeal's new certificate), from one outer join."""
    return select(*columns, *_COLUMNS).outerjoin(
        _NEWER, (_NEWER.supersedes == Appeal.document_number)
        & (Appeal.decision == AppealOutcome.UPHELD.value))


_LATEST = (
    _with_successor(Appeal.document_number)
    .where(Appeal.document_number.in_(bindparam("numbers", expanding=True)))
    .order_by(Appeal.id)
)


def _row(values: Any) -> AppealRow:
    reference, status, filed_at, decision, decided_on, newer = values
    return AppealRow(reference, AppealStatus(status), filed_at,
                     None if decision is None else AppealOutcome(decision), decided_on, newer)


def latest_appeals(conn: Connection, numbers: list[str]) -> dict[str, AppealRow]:
    """The newest appeal of each of ``numbers`` that has one."""
    if not numbers:
        return {}
    rows = conn.execute(_LATEST, {"numbers": numbers})
    return {number: _row(rest) for number, *rest in rows}


def _open(conn: Connection, number: str) -> AppealRow | None:
    row = conn.execute(
        _with_successor().where(
            Appeal.document_number == number, Appeal.status == AppealStatus.OPEN)
    ).first()
    return None if row is None else _row(row)


def open_appeal(conn: Connection, values: dict[str, object]) -> tuple[AppealRow, bool]:
    """The open appeal of ``values["document_number"]``: a new one from ``values``, or
    (``True``) the one already open."""
    number = str(values["document_number"])
    return open_once(conn, lambda: _open(conn, number),
                     insert(Appeal).values(**values, status=AppealStatus.OPEN))
