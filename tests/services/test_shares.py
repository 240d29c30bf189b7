"""Shares and verification by share code (RULES §14), decided by the services, on SQLite and
PostgreSQL (each test runs on every database this run reaches).

The holder shares their downloadable certificates until a day at most a year ahead; the code is
kept only as a keyed hash; a verifier learns the status and, when valid, the holder's name,
exam, school year and total — never the personal code; a wrong code, an expired or revoked
share and another certificate's code are the same ``not_found``; three failures within ten
minutes block the client for 24 hours, by share code and by personal code, whatever it asks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update

from gateway.domain import shares as codes
from gateway.domain.mandate import Reason
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import InvalidShare, ShareNotFound, VerificationBlocked
from gateway.services import shares
from gateway.services.verification import VerificationStatus, VerifyLimit, verify_certificate
from gateway.services.verify_guard import VerifyGuard, web_client, xroad_client
from gateway.store.documents import visible_documents
from gateway.store.models import Document, Share
from gateway.store.models import VerifyGuard as GuardRow

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
KEY = b"test-share-key-0123456789abcdef!"
URL = "https://eksameni.gov.lv/verify"
EMILS = parse_personal_code("051107-22850")  # adult, three 2026 certificates
ANNA = parse_personal_code("140310-24716")  # a minor with certificates of her own
VERIFIER = "LV/EDU/90000076669/LU"


class Clock:
    """The guard's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(demo_engine: Engine) -> Engine:
    """The demo database (``demo_engine``, tests/conftest.py), under the name these tests use."""
    return demo_engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guard(engine: Engine, clock: Clock) -> VerifyGuard:
    return VerifyGuard(engine, KEY, clock)


def certificates(engine: Engine, person: str) -> list[str]:
    with engine.connect() as conn:
        return [d.number for d in visible_documents(conn, person, NOW)
                if d.kind.value == "ce_certificate"]


def holder(person: str = EMILS.digits) -> shares.Holder:
    return shares.Holder(parse_personal_code(person), Reason.SELF, None)


def make(engine: Engine, numbers: list[str], expires: date = date(2027, 3, 1),
         who: shares.Holder | None = None) -> shares.ShareMade:
    who = who or holder()
    return shares.create_share(engine, KEY, who, who.subject, numbers, expires, NOW,
                               verify_url=URL)


def verify(engine: Engine, guard: VerifyGuard, number: str, code: str,
           client: str = "web\0198.51.100.7", at: datetime = NOW) -> shares.ShareVerification:
    return shares.verify_share(engine, KEY, guard, client, number, code, at)


def test_a_share_gives_the_holders_name_exam_year_and_total_never_the_code(
        engine: Engine, guard: VerifyGuard) -> None:
    first, second, *_ = certificates(engine, EMILS.digits)
    made = make(engine, [first, second])
    assert set(made.display_code.replace("-", "")) <= set(codes.ALPHABET)
    assert made.link == f"{URL}?code={made.display_code}"
    for number in (first, second):
        found = verify(engine, guard, number, made.display_code.lower())
        assert found.status is VerificationStatus.VALID
        assert found.holder_name == "Emīls Šteins"
        assert found.exam_name and found.school_year == "2025/2026"
        assert found.total_percent is not None
        assert EMILS.digits not in repr(dataclasses.asdict(found)).replace(
            f"'holder': '{EMILS.digits}'", "")  # the holder's code is for the audit alone
        assert found.subject_code == EMILS.digits
        assert found.documents == (number, f"share:{made.share_id}")


def test_the_code_is_kept_only_as_a_keyed_hash(engine: Engine) -> None:
    made = make(engine, certificates(engine, EMILS.digits)[:1])
    with engine.connect() as conn:
        row = conn.execute(select(Share.__table__)).one()
    dumped = " ".join(str(v) for v in row)
    assert row.code_hash == codes.keyed_hash(KEY, made.code)
    assert made.code not in dumped and made.display_code not in dumped


@pytest.mark.parametrize("expires", [TODAY - timedelta(days=1), date(2027, 11, 29)])
def test_a_last_day_in_the_past_or_beyond_a_year_is_refused(engine: Engine,
                                                           expires: date) -> None:
    with pytest.raises(InvalidShare):
        make(engine, certificates(engine, EMILS.digits)[:1], expires)
    make(engine, certificates(engine, EMILS.digits)[:1], date(2027, 11, 28))  # a year: fine


def test_only_the_holders_downloadable_certificates_may_be_shared(engine: Engine) -> None:
    mine = certificates(engine, EMILS.digits)
    annas = certificates(engine, ANNA.digits)
    with pytest.raises(InvalidShare):
        make(engine, [mine[0], annas[0]])  # another person's
    with pytest.raises(InvalidShare):
        make(engine, [])
    with engine.begin() as conn:
        conn.execute(update(Document).where(Document.number == mine[0]).values(status="revoked"))
    with pytest.raises(InvalidShare):
        make(engine, [mine[0]])  # no longer downloadable (RULES §13)
    assert make(engine, [mine[1]]).numbers == (mine[1],)


def test_wrong_expired_revoked_and_another_certificates_code_are_the_same_not_found(
        engine: Engine, clock: Clock) -> None:
    first, second, *_ = certificates(engine, EMILS.digits)
    guard = VerifyGuard(engine, KEY, clock)
    short = make(engine, [first], TODAY)  # its last day is today
    revoked = make(engine, [first])
    shares.revoke_share(engine, holder(), revoked.share_id, NOW)
    other = make(engine, [second])  # a code, but of another certificate
    tomorrow = NOW + timedelta(days=1)
    answers = {
        "wrong": verify(engine, guard, first, codes.display(codes.new_code()), "xroad\0a"),
        "garbage": verify(engine, guard, first, "not a code at all", "xroad\0b"),
        "expired": verify(engine, guard, first, short.code, "xroad\0c", tomorrow),
        "revoked": verify(engine, guard, first, revoked.code, "xroad\0d"),
        "other": verify(engine, guard, first, other.code, "xroad\0e"),
    }
    assert all(a == shares.ShareVerification(first, VerificationStatus.NOT_FOUND)
               for a in answers.values()), answers
    assert all(a.documents == () and a.subject_code is None for a in answers.values())
    assert verify(engine, guard, first, short.code, "xroad\0f").status == "valid"  # today yes


def test_a_superseded_or_revoked_certificate_says_so_alone(engine: Engine,
                                                          guard: VerifyGuard) -> None:
    first, second, *_ = certificates(engine, EMILS.digits)
    made = make(engine, [first, second])
    with engine.begin() as conn:
        conn.execute(update(Document).where(Document.number == first).values(status="revoked"))
    found = verify(engine, guard, first, made.code)
    assert found == shares.ShareVerification(first, VerificationStatus.REVOKED,
                                             holder=EMILS.digits, share_id=made.share_id)
    assert found.holder_name is None and found.total_percent is None


def test_the_holder_lists_shares_and_revokes_at_once(engine: Engine,
                                                      guard: VerifyGuard) -> None:
    first, second, *_ = certificates(engine, EMILS.digits)
    older = make(engine, [first])
    newer = make(engine, [first, second])
    listed = shares.list_shares(engine, holder(), NOW)
    assert [s.id for s in listed.shares] == [newer.share_id, older.share_id]
    assert listed.shares[0].numbers == tuple(sorted((first, second)))
    assert {s.state for s in listed.shares} == {"active"}
    assert {c.number for c in listed.shareable} >= {first, second}
    shares.revoke_share(engine, holder(), older.share_id, NOW)
    assert verify(engine, guard, first, older.code).status == "not_found"
    assert verify(engine, guard, first, newer.code).status == "valid"
    states = {s.id: s.state for s in shares.list_shares(engine, holder(), NOW).shares}
    assert states == {older.share_id: "revoked", newer.share_id: "active"}
    with pytest.raises(ShareNotFound):  # nobody revokes another's share
        shares.revoke_share(engine, holder(ANNA.digits), newer.share_id, NOW)
    assert verify(engine, guard, first, newer.code).status == "valid"


def test_three_failures_in_ten_minutes_block_the_client_for_24_hours_whatever_it_asks(
        engine: Engine, clock: Clock) -> None:
    first = certificates(engine, EMILS.digits)[0]
    made = make(engine, [first])
    guard = VerifyGuard(engine, KEY, clock)
    client = web_client("203.0.113.9")
    for minute in (0, 4, 9):
        clock.now = NOW + timedelta(minutes=minute)
        assert verify(engine, guard, first, codes.new_code(), client).status == "not_found"
    for code in (made.code, codes.new_code()):  # the right code and a wrong one: refused alike
        with pytest.raises(VerificationBlocked):
            verify(engine, guard, first, code, client)
    assert verify(engine, guard, first, made.code, web_client("203.0.113.10")).status == "valid"
    clock.now = NOW + timedelta(minutes=9, hours=24, seconds=-1)
    with pytest.raises(VerificationBlocked):
        verify(engine, guard, first, made.code, client)
    clock.now = NOW + timedelta(minutes=9, hours=24, seconds=1)
    assert verify(engine, guard, first, made.code, client).status == "valid"


def test_failures_further_apart_than_ten_minutes_do_not_block(engine: Engine,
                                                              clock: Clock) -> None:
    first = certificates(engine, EMILS.digits)[0]
    made = make(engine, [first])
    guard = VerifyGuard(engine, KEY, clock)
    client = xroad_client(VERIFIER)
    for minute in (0, 6, 11, 22, 33):  # never three inside ten minutes
        clock.now = NOW + timedelta(minutes=minute)
        assert verify(engine, guard, first, codes.new_code(), client).status == "not_found"
    assert verify(engine, guard, first, made.code, client).status == "valid"
    for minute in (40, 41):  # 33, 40, 41: three inside ten minutes
        clock.now = NOW + timedelta(minutes=minute)
        assert verify(engine, guard, first, codes.new_code(), client).status == "not_found"
    with pytest.raises(VerificationBlocked):
        verify(engine, guard, first, made.code, client)


def test_personal_code_failures_count_toward_the_same_block(engine: Engine,
                                                            clock: Clock) -> None:
    first = certificates(engine, EMILS.digits)[0]
    made = make(engine, [first])
    guard = VerifyGuard(engine, KEY, clock)
    wrong = parse_personal_code("140310-24716")
    for _ in range(2):
        assert verify_certificate(engine, VerifyLimit(), VERIFIER, first, wrong, NOW,
                                  guard=guard).status == "not_found"
    assert verify(engine, guard, first, "WRONG", xroad_client(VERIFIER)).status == "not_found"
    with pytest.raises(VerificationBlocked):
        verify(engine, guard, first, made.code, xroad_client(VERIFIER))
    with pytest.raises(VerificationBlocked):
        verify_certificate(engine, VerifyLimit(), VERIFIER, first, EMILS, NOW, guard=guard)
    with engine.connect() as conn:  # the client is kept as a keyed hash only
        keys = conn.scalars(select(GuardRow.key)).all()
    assert keys and not any(VERIFIER in k for k in keys)
