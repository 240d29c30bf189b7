"""Appeals in the store (RULES §8, §13): at most one open appeal per certificate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select

from gateway.domain.documents import AppealStatus
from gateway.store.models import Appeal
from gateway.store.upsert import open_once


@dataclass(frozen=True, slots=True)
class AppealRow:
    """An appeal as its filer and the certificate's owner see it."""

    reference: str
    status: AppealStatus
    filed_at: datetime


_LATEST = (
    select(Appeal.document_number, Appeal.reference, Appeal.status, Appeal.created_at)
    .where(Appeal.document_number.in_(bindparam("numbers", expanding=True)))
    .order_by(Appeal.id)
)


def latest_appeals(conn: Connection, numbers: list[str]) -> dict[str, AppealRow]:
    """The newest appeal of each of ``numbers`` that has one."""
    if not numbers:
        return {}
    rows = conn.execute(_LATEST, {"numbers": numbers})
    return {number: AppealRow(ref, AppealStatus(status), at) for number, ref, status, at in rows}


def _open(conn: Connection, number: str) -> AppealRow | None:
    row = conn.execute(
        select(Appeal.reference, Appeal.status, Appeal.created_at).where(
            Appeal.document_number == number, Appeal.status == AppealStatus.OPEN)
    ).first()
    return None if row is None else AppealRow(row[0], AppealStatus(row[1]), row[2])


def open_appeal(conn: Connection, values: dict[str, object]) -> tuple[AppealRow, bool]:
    """The open appeal of ``values["document_number"]``: a new one from ``values``, or
    (``True``) the one already open."""
    number = str(values["document_number"])
    return open_once(conn, lambda: _open(conn, number),
                     insert(Appeal).values(**values, status=AppealStatus.OPEN))
