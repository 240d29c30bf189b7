"""Who looked at my data (RULES §13): every access to a person's data in a period.

One query and one reading of it behind every route that reads the audit records for a person:
``getAccessLog`` (:func:`access_log`: the person, or whoever may act for them, RULES §3), the
portal's "Who looked at my data" page (:func:`own_access_log`: the signed-in student's own) and
the operator's ``gateway audit --person`` (:func:`operator_access_log`). Each lists the same
accesses: the records that name the person as the subject and those whose answer carried them
among others (a school's list and report, VIIS's ``getInstitutionResults``).

Each entry says when, through which service and client, by whom, and the outcome. "By whom" is
``self``; a ``school``, ``viis`` or ``verifier`` by the client's configured kind (a ``school``
also by the school route's reason, its staff on the portal); a ``representative`` or an
``official`` as the register that vouches for them named them at the time of the access
(the population register, the Prison Administration), whether the access was allowed or
refused; or ``other`` — anyone else, never named. No personal code but the subject's own is
ever in an entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from gateway.domain.age import RIGA
from gateway.domain.mandate import AccessorKind, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.domain.shares import VERIFY_SERVICES
from gateway.errors import InvalidPeriod
from gateway.services.access import Access, authorise
from gateway.services.decision import Decided
from gateway.store import access_log as store
from gateway.store.db import reading

MAX_DAYS = 400
DEFAULT_PAGE = 50
_BY_CLIENT = {"school", "viis", "verifier"}
_NAMED = {kind.value for kind in AccessorKind}
SCHOOL_STAFF = "school_staff"
"""The reason the school route (RULES §12) writes: a school's staff member, named "a school"."""
_REPRESENTATION = {Reason.PARENT_WITH_CUSTODY.value, Reason.GUARDIAN_OF_MINOR.value,
                   Reason.GUARDIAN_OF_ADULT.value, "legal_representative"}
"""Reasons of allowed records written before the accessor was kept (migration 0008): still a
representative or an official, unnamed."""
_ALL_TIME = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


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

    def check(self) -> None:
        """Refuse a period that ends before it starts or spans more than ``MAX_DAYS``."""
        if self.first > self.last or (self.last - self.first).days >= MAX_DAYS:
            raise InvalidPeriod("period")


@dataclass(frozen=True, slots=True)
class Entry:
    """One access, as the person may see it. ``reason`` and ``message_id`` are the audit
    record's own words, for the operator; no route shows the person a personal code."""

    at: datetime
    service: str
    client: str
    accessor: str  # self | representative | school | viis | verifier | official | other
    accessor_name: str | None
    outcome: str
    reason: str | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccessLog(Decided):
    """The decision: the page of entries, the next page's token, the reason for the audit."""

    subject: PersonalCode
    entries: list[Entry]
    next_page: str | None
    reason: str
    documents: tuple[str, ...] = ()

    @property
    def subject_code(self) -> str:
        return self.subject.digits


def _accessor(line: store.AuditLine, subject: str, kinds: Mapping[str, str]) -> str:
    """RULES §13's "by whom", from the record alone (the one place it is decided)."""
    if line.service in VERIFY_SERVICES:  # through a share (RULES §14), whoever verified
        return "verifier"
    if line.requester_code == subject:
        return "self"
    kind = kinds.get(line.client or "")
    if kind in _BY_CLIENT:
        return str(kind)
    if line.accessor_kind in _NAMED:  # a register named them, allowed or refused
        return line.accessor_kind
    if line.outcome == "allowed" and line.reason == SCHOOL_STAFF:
        return "school"
    if line.outcome == "allowed" and line.reason in _REPRESENTATION:
        return AccessorKind.REPRESENTATIVE.value
    if line.outcome == "allowed" and line.reason == "resocialisation_official":
        return AccessorKind.OFFICIAL.value
    return "other"


def _entry(line: store.AuditLine, subject: str, kinds: Mapping[str, str]) -> Entry:
    accessor = _accessor(line, subject, kinds)
    name = line.accessor_name if accessor in _NAMED else None
    return Entry(line.at, line.service, line.client or "", accessor, name, line.outcome,
                 line.reason, line.message_id)


def read_log(engine: Engine, kinds: Mapping[str, str], subject: PersonalCode,
             since: datetime, until: datetime, *, page_size: int,
             page: store.PageToken | None = None) -> tuple[list[Entry], store.PageToken | None]:
    """The one reading: up to ``page_size`` accesses to ``subject``'s data in [since, until),
    newest first, from ``page`` on; and the next page's token when there is more."""
    with reading(engine) as conn:
        lines, more = store.page(conn, subject.digits, since, until, page_size, page)
    return [_entry(line, subject.digits, kinds) for line in lines], more


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
    """``getAccessLog``: one page of the accesses to ``subject``'s data in ``period``, newest
    first, from ``page`` (the token of an earlier answer's ``nextPage``) on, for ``subject``
    or whoever may act for them (RULES §3)."""
    period.check()
    mandate = authorise(access, requester, subject, now)
    since, until = period.instants()
    entries, more = read_log(access.engine, kinds, subject, since, until,
                             page_size=page_size, page=page)
    return AccessLog(subject, entries, more.encode() if more else None, mandate.reason.value)


def own_access_log(
    engine: Engine,
    kinds: Mapping[str, str],
    person: PersonalCode,
    period: Period,
    *,
    page_size: int = DEFAULT_PAGE,
    page: store.PageToken | None = None,
) -> AccessLog:
    """The portal's "Who looked at my data": the signed-in ``person``'s own accesses in
    ``period`` (RULES §11, §13); signed in is the mandate (``self``)."""
    period.check()
    since, until = period.instants()
    entries, more = read_log(engine, kinds, person, since, until, page_size=page_size,
                             page=page)
    return AccessLog(person, entries, more.encode() if more else None, Reason.SELF.value)


def operator_access_log(engine: Engine, kinds: Mapping[str, str], person: PersonalCode, *,
                        limit: int) -> list[Entry]:
    """``gateway audit --person``: the newest ``limit`` accesses to ``person``'s data, of all
    time (the operator is trusted, RULES §7; the entries are those of :func:`access_log`)."""
    since, until = _ALL_TIME
    entries, _more = read_log(engine, kinds, person, since, until, page_size=limit)
    return entries
