"""Who looked at my data (RULES §13): every access to a person's data in a period.

For the person and whoever may act for them (RULES §3). Each entry says when, through which
service and client, by whom, and the outcome. "By whom" is ``self``; a ``representative`` named
as our data names them; a ``school``, ``viis`` or ``verifier`` by the client's configured kind
(a ``school`` also by the school route's reason, its staff on the portal);
an ``official`` (resocialisation, filing an appeal); or ``other`` — a refused attempt by anyone
else, never named. No personal code but the subject's own is ever in the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gateway.domain.age import RIGA
from gateway.domain.mandate import Reason
from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidPeriod
from gateway.services.access import Access, authorise
from gateway.services.decision import Decided
from gateway.store import access_log as store
from gateway.store.db import reading

MAX_DAYS = 400
DEFAULT_PAGE = 50
_REPRESENTATION = {Reason.PARENT_WITH_CUSTODY.value, Reason.GUARDIAN_OF_MINOR.value,
                   Reason.GUARDIAN_OF_ADULT.value, "legal_representative"}
_BY_CLIENT = {"school", "viis", "verifier"}
SCHOOL_STAFF = "school_staff"
"""The reason the school route (RULES §12) writes: a school's staff member, named "a school"."""


@dataclass(frozen=True, slots=True)
class Period:
    """Riga calendar days, both included."""

    first: date
    last: date

    def instants(self) -> tuple[datetime, datetime]:
        """[start of ``first``, start of the day after ``last``) in Riga time."""
        since = datetime.combine(self.first, time(0), RIGA)
        until = datetime.combine(self.last + timedelta(days=1), time(0), RIGA)
        return since, until


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    service: str
    client: str
    accessor: str  # self | representative | school | viis | verifier | official | other
    accessor_name: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class AccessLog(Decided):
    """The decision: the page of entries, the next page's token, the reason for the audit."""

    subject: PersonalCode
    entries: list[Entry]
    next_page: str | None
    reason: str
    documents: tuple[str, ...] = ()


def _accessor(line: store.AuditLine, subject: str, kinds: Mapping[str, str]) -> str:
    if line.requester_code == subject:
        return "self"
    kind = kinds.get(line.client or "")
    if kind in _BY_CLIENT:
        return str(kind)
    if line.outcome == "allowed" and line.reason in _REPRESENTATION:
        return "representative"
    if line.outcome == "allowed" and line.reason == SCHOOL_STAFF:
        return "school"
    if line.outcome == "allowed" and line.reason == "resocialisation_official":
        return "official"
    return "other"


def access_log(
    access: Access,
    kinds: Mapping[str, str],
    requester: PersonalCode,
    subject: PersonalCode,
    period: Period,
    now: datetime,
    *,
    page_size: int = DEFAULT_PAGE,
    page: store.PageToken | None = None,
) -> AccessLog:
    """One page of the accesses to ``subject``'s data in ``period``, newest first, from
    ``page`` (the token of an earlier answer's ``nextPage``) on."""
    if period.first > period.last or (period.last - period.first).days >= MAX_DAYS:
        raise InvalidPeriod("period")
    after = page
    reason = authorise(access, requester, subject, now)
    since, until = period.instants()
    with reading(access.engine) as conn:
        lines, more = store.page(conn, subject.digits, since, until, page_size, after)
        accessors = [_accessor(line, subject.digits, kinds) for line in lines]
        named = store.names(conn, [line.requester_code for line, kind in zip(lines, accessors,
                                                                              strict=True)
                                   if kind == "representative" and line.requester_code])
    entries = [
        Entry(line.at, line.service, line.client or "", kind,
              named.get(line.requester_code or "") if kind == "representative" else None,
              line.outcome)
        for line, kind in zip(lines, accessors, strict=True)
    ]
    return AccessLog(subject, entries, more.encode() if more else None, reason.value)
