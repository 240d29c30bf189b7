"""The audit records about one person, a page at a time (RULES §13, "who looked at my data").

The one query every route that reads the audit records for a person uses (``getAccessLog``,
the portal's page, the operator's ``gateway audit``), through
:mod:`gateway.services.access_log`.

Newest first, by (``at``, ``id``). A person's data is in the records that name them as the
subject and in those whose answer carried them among others (``audit_subjects``); each is read
through its own (``subject_code``, ``at``) index, one range scan from the page token on, so a
deep page costs what the first does (no OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select, union

from gateway.store.models import AuditRecord, AuditSubject
from gateway.store.types import UtcDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit record about the subject, as the access log needs it."""

    id: int
    at: datetime
    service: str
    client: str | None
    requester_code: str | None
    outcome: str
    reason: str | None
    message_id: str | None
    accessor_kind: str | None
    """``representative`` | ``official`` when a register named the requester at access time."""
    accessor_name: str | None


@dataclass(frozen=True, slots=True)
class PageToken:
    """Where the next page starts: before this record."""

    at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.id}"

    @classmethod
    def decode(cls, value: str) -> PageToken:
        """The token of ``encode``; ``ValueError`` for anything else."""
        micros, _, ident = value.partition(".")
        if not (micros.isascii() and micros.isdigit() and ident.isascii() and ident.isdigit()):
            raise ValueError("not a page token")
        if len(micros) > 17 or len(ident) > 18:  # beyond year 5000 or a 63-bit id: not ours
            raise ValueError("not a page token")
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(ident))


_COLUMNS = (AuditRecord.id, AuditRecord.at, AuditRecord.service, AuditRecord.client,
            AuditRecord.requester_code, AuditRecord.outcome, AuditRecord.reason,
            AuditRecord.message_id, AuditRecord.accessor_kind, AuditRecord.accessor_name)


def _branch(at: Any, subject: Any, keyset: bool) -> Any:
    """One index range scan: the records whose ``subject`` column names the subject."""
    conditions = [
        subject == bindparam("subject"),
        at >= bindparam("since", type_=UtcDateTime()),
        at < bindparam("until", type_=UtcDateTime()),
    ]
    if keyset:
        conditions.append(or_(
            at < bindparam("before_at", type_=UtcDateTime()),
            and_(at == bindparam("before_at", type_=UtcDateTime()),
                 AuditRecord.id < bindparam("before_id")),
        ))
    return and_(*conditions), (at.desc(), AuditRecord.id.desc())


def _page_query(keyset: bool) -> Any:
    """The subject's own records (``subject_code``) and the records of answers that carried
    their data among others' (``audit_subjects``: a school's or VIIS's list), each read newest
    first from its (subject_code, at) index and limited, then merged."""
    own, own_order = _branch(AuditRecord.at, AuditRecord.subject_code, keyset)
    listed, listed_order = _branch(AuditSubject.at, AuditSubject.subject_code, keyset)
    first = select(*_COLUMNS).where(own).order_by(*own_order).limit(bindparam("rows"))
    second = (select(*_COLUMNS).join(AuditSubject, AuditSubject.audit_id == AuditRecord.id)
              .where(listed).order_by(*listed_order).limit(bindparam("rows")))
    merged = union(select(first.subquery()), select(second.subquery())).subquery()
    return (select(*merged.c).order_by(merged.c.at.desc(), merged.c.id.desc())
            .limit(bindparam("rows")))


FIRST_PAGE = _page_query(keyset=False)
NEXT_PAGE = _page_query(keyset=True)


def page(conn: Connection, subject: str, since: datetime, until: datetime, size: int,
         after: PageToken | None) -> tuple[list[AuditLine], PageToken | None]:
    """Up to ``size`` records about ``subject`` in [since, until), newest first, and the token
    of the next page if there is one."""
    params: dict[str, object] = {"subject": subject, "since": since, "until": until,
                                 "rows": size + 1}
    if after is None:
        rows = conn.execute(FIRST_PAGE, params).all()
    else:
        params.update(before_at=after.at, before_id=after.id)
        rows = conn.execute(NEXT_PAGE, params).all()
    lines = [AuditLine(*row) for row in rows[:size]]
    more = len(rows) > size
    return lines, PageToken(lines[-1].at, lines[-1].id) if more else None

