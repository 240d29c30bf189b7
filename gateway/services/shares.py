"""Sharing a certificate without the personal code (RULES §14).

The **holder** — the adult student, or for a minor a legal representative (RULES §3 rules
2–3) — makes a share of one or more of the holder's downloadable certificates, valid through a
last day at most one year ahead: a code of about 103 random bits (:mod:`gateway.domain.shares`)
shown once, kept only as a keyed hash. The holder lists their shares with every use and revokes
any at once.

A **verifier** gives a certificate number and a share code (:func:`verify_share`) and learns
``valid`` / ``superseded`` / ``revoked`` / ``not_found`` and, when valid, the holder's name,
exam, school year and total — never the personal code. A wrong code, an expired or revoked
share, a code of another certificate: ``not_found``, the same answer, after the same database
work (one lookup by the code's keyed hash, the certificate by its number alone, its holder's
name, the failure counted). Failures feed the verification guard
(:mod:`gateway.services.verify_guard`).
Each verification through a live share names its holder as the subject and the share in its
documents, so that the one audit step records it where the holder's access log finds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from gateway.domain import shares as codes
from gateway.domain.age import riga_date
from gateway.domain.certificate_status import CertificateStatus, downloadable, effective_status
from gateway.domain.documents import DocumentKind
from gateway.domain.mandate import Accessor, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.errors import InvalidShare, NoMandate, ShareNotFound
from gateway.services.access import Access, authorise
from gateway.services.decision import Decided
from gateway.services.documents import require_adult
from gateway.services.verification import VerificationStatus
from gateway.services.verify_guard import VerifyGuard
from gateway.store import shares as store
from gateway.store import verification as certificates
from gateway.store.db import reading
from gateway.store.documents import visible_document, visible_documents

MAX_CERTIFICATES = 20
_HOLDER_REASONS = (Reason.SELF, Reason.PARENT_WITH_CUSTODY, Reason.GUARDIAN_OF_MINOR)
_NO_CODE = "2" * codes.LENGTH


@dataclass(frozen=True, slots=True)
class Holder:
    """Who acts for whom: the mandate the holder's side has (RULES §3 rules 1–3)."""

    subject: PersonalCode
    reason: Reason
    accessor: Accessor | None


def admit_holder(access: Access, requester: PersonalCode, subject: PersonalCode,
                 now: datetime) -> Holder:
    """The requester may manage ``subject``'s shares: an adult acting for themselves, or a
    minor's parent with custody or guardian (RULES §14); anyone else is refused."""
    require_adult(access.registry, requester, now)
    mandate = authorise(access, requester, subject, now)
    if mandate.reason not in _HOLDER_REASONS:
        raise NoMandate("share holder", accessor=mandate.accessor)
    return Holder(subject, mandate.reason, mandate.accessor)


def signed_in_holder(access: Access, person: PersonalCode, now: datetime) -> Holder:
    """The portal's signed-in student as the holder: they must be an adult (RULES §14)."""
    require_adult(access.registry, person, now)
    return Holder(person, Reason.SELF, None)


@dataclass(frozen=True, slots=True)
class ShareMade(Decided):
    """A new share: the code is shown this once and never again."""

    subject: PersonalCode
    share_id: int
    code: str
    expires_on: date
    numbers: tuple[str, ...]
    link: str
    reason: str
    accessor: Accessor | None = None

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    @property
    def documents(self) -> tuple[str, ...]:
        return (*self.numbers, f"{store.SHARE_PREFIX}{self.share_id}")


def create_share(engine: Engine, key: bytes, holder: Holder, requester: PersonalCode,
                 numbers: Sequence[str], expires_on: date, now: datetime, *,
                 verify_url: str) -> ShareMade:
    """A share of the holder's ``numbers`` (each a CE certificate EP226 shows them and still
    downloadable), valid through ``expires_on`` (today up to one year ahead, Riga dates), with
    its link to the public page at ``verify_url``."""
    wanted = tuple(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if (not wanted or len(wanted) > MAX_CERTIFICATES
            or not codes.expiry_allowed(expires_on, riga_date(now))):
        raise InvalidShare("request", accessor=holder.accessor)
    with reading(engine) as conn:
        rows = [visible_document(conn, holder.subject.digits, n[:64], now) for n in wanted]
    if any(row is None or row.kind is not DocumentKind.CE_CERTIFICATE
           or not downloadable(row.status) for row in rows):
        raise InvalidShare("certificate", accessor=holder.accessor)
    code = codes.new_code()
    with engine.begin() as conn:
        share_id = store.create(conn, codes.keyed_hash(key, code), holder.subject.digits,
                                requester.digits, now, expires_on, wanted)
    return ShareMade(holder.subject, share_id, code, expires_on, wanted,
                     codes.link(verify_url, code, wanted), holder.reason.value, holder.accessor)


@dataclass(frozen=True, slots=True)
class ShareUse:
    at: datetime
    service: str
    client: str
    number: str


@dataclass(frozen=True, slots=True)
class ShareView:
    """One share as its holder sees it: state, certificates and every use."""

    id: int
    created_at: datetime
    expires_on: date
    revoked_at: datetime | None
    numbers: tuple[str, ...]
    state: str  # active | expired | revoked
    uses: tuple[ShareUse, ...] = ()


@dataclass(frozen=True, slots=True)
class Shareable:
    """A certificate the holder may share now: its number, exam and school year."""

    number: str
    exam_name: str | None
    school_year: str | None


@dataclass(frozen=True, slots=True)
class ShareList(Decided):
    subject: PersonalCode
    shares: list[ShareView]
    reason: str
    accessor: Accessor | None = None
    shareable: tuple[Shareable, ...] = ()

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(f"{store.SHARE_PREFIX}{s.id}" for s in self.shares)


def _state(row: store.ShareRow, today: date) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "active" if codes.live(row.expires_on, False, today) else "expired"


def list_shares(engine: Engine, holder: Holder, now: datetime) -> ShareList:
    """The holder's shares, newest first, each with every verification through it."""
    today = riga_date(now)
    with reading(engine) as conn:
        rows = store.of_holder(conn, holder.subject.digits)
        used = store.uses(conn, holder.subject.digits, codes.VERIFY_SERVICES)
        documents = visible_documents(conn, holder.subject.digits, now)
    shareable = tuple(Shareable(d.number, d.exam_name, d.school_year) for d in documents
                      if d.kind is DocumentKind.CE_CERTIFICATE and downloadable(d.status))
    by_share: dict[int, list[ShareUse]] = {}
    for use in used:
        by_share.setdefault(use.share_id, []).append(
            ShareUse(use.at, use.service, use.client, use.number))
    views = [ShareView(r.id, r.created_at, r.expires_on, r.revoked_at, r.numbers,
                       _state(r, today), tuple(by_share.get(r.id, ())))
             for r in rows]
    return ShareList(holder.subject, views, holder.reason.value, holder.accessor, shareable)


@dataclass(frozen=True, slots=True)
class ShareRevoked(Decided):
    subject: PersonalCode
    share_id: int
    revoked_at: datetime
    reason: str
    accessor: Accessor | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        return (f"{store.SHARE_PREFIX}{self.share_id}",)


def revoke_share(engine: Engine, holder: Holder, share_id: int, now: datetime) -> ShareRevoked:
    """Revoke the holder's share at once; another's (or none) is :class:`ShareNotFound`."""
    with engine.begin() as conn:
        if not store.revoke(conn, holder.subject.digits, share_id, now):
            raise ShareNotFound("share", accessor=holder.accessor)
    return ShareRevoked(holder.subject, share_id, now, holder.reason.value, holder.accessor)


@dataclass(frozen=True, slots=True)
class ShareVerification(Decided):
    """What a verifier is told, and what the audit record keeps (the holder as subject and
    the share, when a live share was used)."""

    number: str
    status: VerificationStatus
    holder_name: str | None = None
    exam_code: str | None = None
    exam_name: str | None = None
    school_year: str | None = None
    total_percent: float | None = None
    holder: str | None = None
    share_id: int | None = None

    @property
    def reason(self) -> str:
        return f"share_{self.status.value}"

    @property
    def subject_code(self) -> str | None:
        return self.holder

    @property
    def documents(self) -> tuple[str, ...]:
        if self.share_id is None:
            return ()
        return (self.number, f"{store.SHARE_PREFIX}{self.share_id}")


def verify_share(engine: Engine, key: bytes, guard: VerifyGuard, client: str, number: str,
                 code_text: str, now: datetime) -> ShareVerification:
    """Certificate ``number`` as the share code ``code_text`` shows it to a verifier, for the
    guard's ``client`` (blocked: :class:`~gateway.errors.VerificationBlocked`, before any
    lookup)."""
    guard.check(client)
    number = number.strip()[:64]
    code = codes.parse(code_text)
    computed = codes.keyed_hash(key, code if code is not None else _NO_CODE)
    # The same statements and the same rows whatever is wrong with the code: the share by the
    # code's hash, the certificate by its number alone, its holder's name.
    with reading(engine) as conn:
        found = store.lookup(conn, computed, number)
        published = certificates.published_certificate(conn, number, now)
        name = store.holder_name(conn, published[1] if published else found.holder)
    matched = codes.same_hash(found.code_hash, computed)  # the stand-in's matches no code
    usable = (matched and code is not None and found.share_id != store.NO_SHARE
              and found.covers and codes.live(found.expires_on, found.revoked, riga_date(now))
              and published is not None and published[1] == found.holder)
    if not usable or published is None:
        guard.failed(client)
        return ShareVerification(number, VerificationStatus.NOT_FOUND)
    row = published[0]
    status = effective_status(row.imported_status, row.superseded_by, appeal_open=False)
    if status is CertificateStatus.REVOKED:
        return ShareVerification(number, VerificationStatus.REVOKED, holder=found.holder,
                                 share_id=found.share_id)
    if status is CertificateStatus.SUPERSEDED:
        return ShareVerification(number, VerificationStatus.SUPERSEDED, holder=found.holder,
                                 share_id=found.share_id)
    return ShareVerification(number, VerificationStatus.VALID, name, row.exam_code,
                             row.exam_name, row.school_year, row.total_percent,
                             holder=found.holder, share_id=found.share_id)
