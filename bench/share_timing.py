"""Share verification answers alike and takes alike (RULES §14): a wrong code, an expired
share, a revoked share and another certificate's code, side by side.

Usage: ``python -m bench.share_timing [--rounds N] [--postgres [--url URL]]``.

Makes a fresh database at the newest schema with the demo data (SQLite in a temporary
directory, or a fresh PostgreSQL schema, dropped afterwards), shares two of Emīls Šteins's
certificates (one share live, one revoked, one whose last day has passed, one of another
certificate) and then verifies certificate A with each kind of failing code, ``--rounds``
times (400 by default) each, the four kinds in a new random order every round, through the
service every route calls (:func:`gateway.services.shares.verify_share`: the guard's check,
the lookup by the code's keyed hash, the certificate and name queries, the failure counted;
every call as a new client, so that no block interferes). A live code is timed alongside,
for scale only (its answer differs, as it should).

It prints, per kind, the answer (the ``verifyShareResponse`` payload's bytes, which must be
the same for all four) and the median, 10th and 90th percentile of the call's wall time; and,
for each kind against "wrong", the difference of the medians with a 95 % bootstrap interval
and a Mann–Whitney U test's two-sided p-value (normal approximation with ties). Bounded: the
loop runs ``4 × rounds`` (+ ``rounds`` live) calls.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from lxml import etree
from sqlalchemy import Engine, text

from gateway.demo import DEMO_DATA
from gateway.domain import shares as codes
from gateway.domain.mandate import Reason
from gateway.domain.personal_code import parse_personal_code
from gateway.services import shares
from gateway.services.verify_guard import VerifyGuard
from gateway.soap.adapters.shares import verify_share_answer
from gateway.store.db import create_engine_from_url, upgrade
from gateway.store.documents import visible_documents
from gateway.store.importer import import_file

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_share_timing"
MADE = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
VERIFIED = MADE + timedelta(days=2)  # the "expired" share's last day is the day before
KEY = b"bench-share-key-0123456789abcdef"
EMILS = parse_personal_code("051107-22850")
KINDS = ("wrong", "expired", "revoked", "other certificate")


def _setup(engine: Engine) -> tuple[str, dict[str, str]]:
    """Certificate A's number and, per kind (and "live"), the code to verify it with."""
    upgrade(engine)
    import_file(engine, DEMO_DATA)
    with engine.connect() as conn:
        numbers = [d.number for d in visible_documents(conn, EMILS.digits, MADE)
                   if d.kind.value == "ce_certificate"]
    first, second = numbers[:2]
    holder = shares.Holder(EMILS, Reason.SELF, None)

    def make(number: str, last_day: date) -> shares.ShareMade:
        return shares.create_share(engine, KEY, holder, EMILS, [number], last_day, MADE,
                                   verify_url="https://eksameni.gov.lv/verify")

    live = make(first, date(2027, 2, 28))
    expired = make(first, (MADE + timedelta(days=1)).date())
    revoked = make(first, date(2027, 2, 28))
    shares.revoke_share(engine, holder, revoked.share_id, MADE)
    other = make(second, date(2027, 2, 28))
    return first, {"wrong": codes.display(codes.new_code()), "expired": expired.display_code,
                   "revoked": revoked.display_code, "other certificate": other.display_code,
                   "live": live.display_code}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def mann_whitney_p(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of the Mann–Whitney U test, normal approximation with ties."""
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[k] = rank
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    r1 = sum(r for r, (_v, g) in zip(ranks, pooled, strict=True) if g == 0)
    u = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    if sigma == 0:
        return 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma
    return math.erfc(max(z, 0.0) / math.sqrt(2))


def median_difference_interval(a: list[float], b: list[float], rng: random.Random,
                               resamples: int = 2000) -> tuple[float, float]:
    """A 95 % bootstrap interval of median(a) − median(b)."""
    diffs = sorted(statistics.median(rng.choices(a, k=len(a)))
                   - statistics.median(rng.choices(b, k=len(b))) for _ in range(resamples))
    return diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]


def run(engine: Engine, rounds: int, seed: int = 2026) -> int:
    number, code_of = _setup(engine)
    guard_clock: Callable[[], datetime] = lambda: VERIFIED  # noqa: E731
    guard = VerifyGuard(engine, KEY, guard_clock)
    rng = random.Random(seed)
    times: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "live")}
    answers: dict[str, set[bytes]] = {kind: set() for kind in (*KINDS, "live")}
    calls = 0
    for _warm in range(20):  # connections, caches, the first statements' plans
        shares.verify_share(engine, KEY, guard, f"warm\0{_warm}", number, code_of["wrong"],
                            VERIFIED)
    for _ in range(rounds):
        order = [*KINDS, "live"]
        rng.shuffle(order)
        for kind in order:
            calls += 1
            client = f"bench\0{calls}"
            began = time.perf_counter_ns()
            result = shares.verify_share(engine, KEY, guard, client, number, code_of[kind],
                                         VERIFIED)
            times[kind].append((time.perf_counter_ns() - began) / 1e6)
            answers[kind].add(etree.tostring(verify_share_answer(result)))
    print(f"database: {engine.dialect.name}; certificate {number}; {rounds} rounds; "
          f"{calls} verifications")
    same = {b for kind in KINDS for b in answers[kind]}
    print(f"answers of the four kinds: {len(same)} distinct payload(s)"
          f"{' — identical' if len(same) == 1 else ' — DIFFERENT'}")
    for payload in sorted(same):
        print(f"  {payload.decode()}")
    print(f"{'kind':<18} {'status':<10} {'median ms':>10} {'p10 ms':>8} {'p90 ms':>8}")
    for kind in (*KINDS, "live"):
        status = etree.fromstring(next(iter(answers[kind]))).findtext(
            "{http://vpis.visc.gov.lv/xroad/vpis/v1}status")
        values = times[kind]
        print(f"{kind:<18} {status:<10} {statistics.median(values):>10.3f} "
              f"{_percentile(values, 0.1):>8.3f} {_percentile(values, 0.9):>8.3f}")
    print("against 'wrong': median difference (95 % bootstrap interval), Mann-Whitney p")
    base = times["wrong"]
    for kind in KINDS[1:]:
        low, high = median_difference_interval(times[kind], base, rng)
        diff = statistics.median(times[kind]) - statistics.median(base)
        p = mann_whitney_p(times[kind], base)
        print(f"  {kind:<18} {diff:+.3f} ms ({low:+.3f} … {high:+.3f}), p = {p:.3f}")
    return 0 if len(same) == 1 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--url", default=DEFAULT_PG, help="the PostgreSQL server's database")
    args = parser.parse_args(argv)
    rounds = max(10, min(args.rounds, 5000))
    if not args.postgres:
        with tempfile.TemporaryDirectory(prefix="share-timing-") as directory:
            engine = create_engine_from_url(f"sqlite:///{Path(directory) / 'bench.db'}")
            try:
                return run(engine, rounds)
            finally:
                engine.dispose()
    admin = create_engine_from_url(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    sep = "&" if "?" in args.url else "?"
    engine = create_engine_from_url(f"{args.url}{sep}options=-csearch_path%3D{SCHEMA}")
    try:
        return run(engine, rounds)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
