"""The audit records about one person, a page at a time (RULES §13, "who looked at my data").

Newest first, by (``at``, ``id``), read through the index on (``subject_code``, ``at``): a page
is one range scan of that index from the page token on, so a deep page costs what the first
does (no OFFSET).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, or_, select

from gateway.store.models import AuditRecord, Person
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
            AuditRecord.requester_code, AuditRecord.outcome, AuditRecord.reason)
_IN_PERIOD = and_(
    AuditRecord.subject_code == bindparam("subject"),
    AuditRecord.at >= bindparam("since", type_=UtcDateTime()),
    AuditRecord.at < bindparam("until", type_=UtcDateTime()),
)
_ORDER = (AuditRecord.at.desc(), AuditRecord.id.desc())
FIRST_PAGE = select(*_COLUMNS).where(_IN_PERIOD).order_by(*_ORDER).limit(bindparam("rows"))
NEXT_PAGE = (
    select(*_COLUMNS)
    .where(
        _IN_PERIOD,
        or_(
            AuditRecord.at < bindparam("before_at", type_=UtcDateTime()),
            and_(AuditRecord.at == bindparam("before_at", type_=UtcDateTime()),
                 AuditRecord.id < bindparam("before_id")),
        ),
    )
    .order_by(*_ORDER)
    .limit(bindparam("rows"))
)


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


def names(conn: Connection, codes: Iterable[str]) -> dict[str, str]:
    """The names our data gives the persons of ``codes`` (11 digits), for those it knows."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = conn.execute(select(Person.personal_code, Person.given_name, Person.family_name)
                        .where(Person.personal_code.in_(wanted)))
    return {code: f"{given} {family}" for code, given, family in rows}
