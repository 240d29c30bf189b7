"""Shares of certificates (RULES §14): made, listed, revoked, and found by a code's hash.

A share is found by the keyed hash of its code together with one of its certificates' numbers,
in one query that reads the same rows whatever is wrong with the code (none, expired, revoked,
another certificate's): the decision is taken afterwards, in Python, from the whole row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Date, String, bindparam, func, insert, literal, select, update

from gateway.store.models import AuditRecord, Person, Share, ShareCertificate


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A share as its holder sees it: no code (only its hash is kept)."""

    id: int
    holder: str
    created_at: datetime
    expires_on: date
    revoked_at: datetime | None
    numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Found:
    """What one code's lookup found: the share's facts and whether it names ``number``."""

    share_id: int
    code_hash: str
    holder: str
    expires_on: date
    revoked: bool
    covers: bool


def create(conn: Connection, code_hash: str, holder: str, created_by: str, now: datetime,
           expires_on: date, numbers: Sequence[str]) -> int:
    """Insert a share and its certificates in the open transaction; its id."""
    share_id = int(conn.execute(insert(Share).returning(Share.id), {
        "code_hash": code_hash, "holder_code": holder, "created_by": created_by,
        "created_at": now, "expires_on": expires_on, "revoked_at": None}).scalar_one())
    conn.execute(insert(ShareCertificate), [
        {"share_id": share_id, "document_number": n} for n in dict.fromkeys(numbers)])
    return share_id


def of_holder(conn: Connection, holder: str) -> list[ShareRow]:
    """The holder's shares, newest first, each with its certificates' numbers."""
    rows = conn.execute(
        select(Share.id, Share.holder_code, Share.created_at, Share.expires_on,
               Share.revoked_at, ShareCertificate.document_number)
        .join(ShareCertificate, ShareCertificate.share_id == Share.id)
        .where(Share.holder_code == holder)
        .order_by(Share.created_at.desc(), Share.id.desc(), ShareCertificate.document_number)
    ).all()
    shares: dict[int, ShareRow] = {}
    for sid, who, created, expires, revoked, number in rows:
        known = shares.get(sid)
        numbers = (known.numbers if known else ()) + (number,)
        shares[sid] = ShareRow(sid, who, created, expires, revoked, numbers)
    return list(shares.values())


def revoke(conn: Connection, holder: str, share_id: int, now: datetime) -> bool:
    """Revoke the holder's share ``share_id`` at ``now`` (kept revoked if it already was);
    whether the holder has such a share."""
    found = conn.execute(select(Share.revoked_at).where(
        Share.id == share_id, Share.holder_code == holder)).first()
    if found is None:
        return False
    if found[0] is None:
        conn.execute(update(Share).where(Share.id == share_id).values(revoked_at=now))
    return True


_WANTED = select(bindparam("code_hash", type_=String(64)).label("wanted")).subquery()
NO_SHARE = 0
"""The id of the stand-in row a code without a share finds: no share has it."""
_NONE_HASH = "0" * 64
_NONE_HOLDER = "00000000000"  # no valid personal code (no 0th month)
_NONE_DAY = date(1970, 1, 1)
_ID = func.coalesce(Share.id, NO_SHARE)
_LOOKUP = (
    select(_ID,
           func.coalesce(Share.code_hash, _NONE_HASH),
           func.coalesce(Share.holder_code, _NONE_HOLDER),
           func.coalesce(Share.expires_on, literal(_NONE_DAY, Date())),
           Share.revoked_at.is_not(None),
           select(ShareCertificate.share_id)
           .where(ShareCertificate.share_id == _ID,
                  ShareCertificate.document_number == bindparam("number"))
           .exists())
    .select_from(_WANTED)
    .outerjoin(Share, Share.code_hash == _WANTED.c.wanted)
)
"""Exactly one row, of the same types, whether or not a share has the hash: a code without a
share finds a stand-in (id :data:`NO_SHARE`, a hash nobody's code has, no holder, a day long
past), so that a miss reads, converts and probes what a hit does."""


def lookup(conn: Connection, code_hash: str, number: str) -> Found:
    """The share whose code has ``code_hash`` (or the stand-in, ``share_id`` :data:`NO_SHARE`),
    and whether it names certificate ``number``."""
    sid, stored, holder, expires, revoked, covers = conn.execute(
        _LOOKUP, {"code_hash": code_hash, "number": number}).one()
    return Found(int(sid), str(stored), str(holder), expires, bool(revoked), bool(covers))


@dataclass(frozen=True, slots=True)
class UseRow:
    """One verification through a share, from its audit record (RULES §7, §14)."""

    share_id: int
    at: datetime
    service: str
    client: str
    number: str


USES_SHOWN = 1000
"""The newest uses read for a holder's page: far more than a year of shares sees."""


def uses(conn: Connection, holder: str, services: Sequence[str]) -> list[UseRow]:
    """The verifications through the holder's shares, newest first: the audit records of the
    verification services with the holder as subject, each naming its share in ``documents``
    (``share:<id>`` beside the certificate's number). Read from the audit records, the one log."""
    rows = conn.execute(
        select(AuditRecord.at, AuditRecord.service, AuditRecord.client, AuditRecord.documents)
        .where(AuditRecord.subject_code == holder, AuditRecord.service.in_(services),
               AuditRecord.outcome == "allowed")
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(USES_SHOWN)
    ).all()
    found = []
    for at, service, client, documents in rows:
        names = [d for d in documents or () if isinstance(d, str)]
        share = next((d for d in names if d.startswith(SHARE_PREFIX)), None)
        number = next((d for d in names if not d.startswith(SHARE_PREFIX)), "")
        if share is not None and share[len(SHARE_PREFIX):].isdigit():
            found.append(UseRow(int(share[len(SHARE_PREFIX):]), at, service, client or "",
                                number))
    return found


SHARE_PREFIX = "share:"
"""How an audit record's ``documents`` names the share a verification went through."""


def holder_name(conn: Connection, holder: str) -> str | None:
    """The holder's name as VISC's import gives it ("given family")."""
    row = conn.execute(select(Person.given_name, Person.family_name)
                       .where(Person.personal_code == holder)).first()
    return None if row is None else f"{row[0]} {row[1]}"
