"""Access-log benchmark (RULES §13, issue 12): ``getAccessLog``'s query on 10 million audit rows.

Usage: ``python -m bench.access_log_bench [--rows N] [--postgres] [--max-fill-seconds S]``.

Makes a fresh database at the newest schema (SQLite under ``var/bench-access-log/``, or a
fresh PostgreSQL schema), fills ``audit_records`` in bulk with SQL alone (no Python row
objects): ``--rows`` records (10 million by default) spread evenly over one year, about
1 million different subjects (about 10 records each, the shape of a year of results-day
traffic), mixed services, clients and outcomes; and one ``audit_subjects`` row for every
tenth record (an answer that carried another person's data too). Then it runs the query
``getAccessLog`` runs (``gateway.store.access_log.page``: one subject, one year, a page
of 50 newest first, and the next page from its token) for 300 random subjects and prints the
per-query times (p50, p99, max) and the plan the database chose. Bounded: the fill stops at
``--rows`` and at ``--max-fill-seconds``; the query loop runs 300 times.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from gateway.store import access_log
from gateway.store.db import create_engine_from_url, upgrade

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_access_log"
START = datetime(2025, 12, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
SUBJECTS = 1_000_000
BATCH = 1_000_000
QUERIES = 300
PAGE = 50  # getAccessLog's default page
SMALL_PAGE = 3  # pages this small make most subjects have a second page to fetch

# One statement per batch: i runs over [lo, hi); the row's instant moves evenly over the year,
# its subject is i scrambled over SUBJECTS codes, so a subject's rows spread over the year.
_SQLITE_FILL = """
WITH RECURSIVE n(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :hi)
INSERT INTO audit_records (at, message_id, client, service, requester_code, subject_code,
                           outcome, reason, documents)
SELECT strftime('%Y-%m-%d %H:%M:%S', :start + (i * :span) / :rows, 'unixepoch') || '.000000',
       printf('m%010d', i),
       CASE i % 10 WHEN 0 THEN 'LV/GOV/90009999999' WHEN 1 THEN 'LV/EDU/90000076669/LU'
            ELSE 'LV/GOV/90000026101/LVPORTAALS' END,
       CASE i % 10 WHEN 1 THEN 'verifyCertificate' WHEN 2 THEN 'listDocuments'
            WHEN 3 THEN 'getDocument' ELSE 'getExamResults' END,
       printf('%011d', CASE WHEN i % 5 = 0 THEN (i * 7919 + 13) % :subjects
                            ELSE (i * 7919) % :subjects END),
       printf('%011d', (i * 7919) % :subjects),
       CASE WHEN i % 20 = 0 THEN 'refused' ELSE 'allowed' END,
       CASE WHEN i % 5 = 0 THEN 'parent_with_custody' ELSE 'self' END,
       NULL
FROM n
"""
_PG_FILL = """
INSERT INTO audit_records (at, message_id, client, service, requester_code, subject_code,
                           outcome, reason, documents)
SELECT to_timestamp(:start + (i::bigint * :span) / :rows),
       'm' || lpad(i::text, 10, '0'),
       CASE i % 10 WHEN 0 THEN 'LV/GOV/90009999999' WHEN 1 THEN 'LV/EDU/90000076669/LU'
            ELSE 'LV/GOV/90000026101/LVPORTAALS' END,
       CASE i % 10 WHEN 1 THEN 'verifyCertificate' WHEN 2 THEN 'listDocuments'
            WHEN 3 THEN 'getDocument' ELSE 'getExamResults' END,
       lpad((CASE WHEN i % 5 = 0 THEN (i::bigint * 7919 + 13) % :subjects
                  ELSE (i::bigint * 7919) % :subjects END)::text, 11, '0'),
       lpad(((i::bigint * 7919) % :subjects)::text, 11, '0'),
       CASE WHEN i % 20 = 0 THEN 'refused' ELSE 'allowed' END,
       CASE WHEN i % 5 = 0 THEN 'parent_with_custody' ELSE 'self' END,
       NULL
FROM generate_series(:lo, :hi - 1) AS g(i)
"""


# A tenth of the calls also carried another person's data (a school's or VIIS's list): one
# audit_subjects row each, naming a subject scrambled differently from the record's own.
_SUBJECTS_FILL = """
INSERT INTO audit_subjects (audit_id, subject_code, at)
SELECT id, {code}, at FROM audit_records WHERE id % 10 = 0 AND id > :lo AND id <= :hi
"""
_SQLITE_CODE = "printf('%011d', (id * 104729) % :subjects)"
_PG_CODE = "lpad(((id::bigint * 104729) % :subjects)::text, 11, '0')"


def fill(engine: Engine, rows: int, max_seconds: float) -> float:
    """Insert ``rows`` audit records in batches; the seconds it took."""
    statement = text(_PG_FILL if engine.dialect.name == "postgresql" else _SQLITE_FILL)
    started = time.perf_counter()
    for lo in range(0, rows, BATCH):
        hi = min(rows, lo + BATCH)
        with engine.begin() as conn:
            conn.execute(statement, {"lo": lo, "hi": hi, "rows": rows, "span": YEAR_SECONDS,
                                     "start": int(START.timestamp()), "subjects": SUBJECTS})
        code = _PG_CODE if engine.dialect.name == "postgresql" else _SQLITE_CODE
        with engine.begin() as conn:
            conn.execute(text(_SUBJECTS_FILL.format(code=code)),
                         {"lo": lo, "hi": hi, "subjects": SUBJECTS})
        elapsed = time.perf_counter() - started
        print(f"  filled {hi:>10,} rows  {elapsed:6.0f} s", file=sys.stderr)
        if elapsed > max_seconds:
            raise SystemExit(f"fill stopped at {hi} rows after {elapsed:.0f} s")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def measure(engine: Engine) -> tuple[list[float], list[float], int]:
    """Times in ms of a first page of PAGE and of a second page of SMALL_PAGE (from the first's
    token), for QUERIES random subjects; and the entries the first pages held."""
    rng = random.Random(12)
    since, until = START, START + timedelta(days=366)
    first: list[float] = []
    second: list[float] = []
    lines_seen = 0
    with engine.connect() as conn:
        for _ in range(QUERIES):
            subject = f"{rng.randrange(SUBJECTS):011d}"
            started = time.perf_counter()
            lines, _ = access_log.page(conn, subject, since, until, PAGE, None)
            first.append((time.perf_counter() - started) * 1000)
            lines_seen += len(lines)
            _, token = access_log.page(conn, subject, since, until, SMALL_PAGE, None)
            if token is not None:
                started = time.perf_counter()
                access_log.page(conn, subject, since, until, SMALL_PAGE, token)
                second.append((time.perf_counter() - started) * 1000)
    return first, second, lines_seen


def plan(engine: Engine) -> str:
    """The plan the database chose for the first-page query, one step a line."""
    params = {"subject": "00000012345", "since": START, "until": START + timedelta(days=366),
              "rows": 51}
    compiled = access_log.FIRST_PAGE.compile(dialect=engine.dialect)
    values = compiled.construct_params(params)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            ordered = tuple(
                v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                if isinstance(v, datetime) else v
                for v in (values[name] for name in compiled.positiontup or []))
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered).all()
            return "\n".join(f"  {row[-1]}" for row in rows)
        rows = conn.exec_driver_sql(f"EXPLAIN ANALYZE {compiled}", values).all()
        return "\n".join(f"  {row[0]}" for row in rows)


def report(label: str, engine: Engine, rows: int, seconds: float) -> None:
    first, second, seen = measure(engine)
    q = statistics.quantiles(first, n=100)
    print(f"{label}: {rows:,} audit rows (filled in {seconds:.0f} s); "
          f"{QUERIES} subjects, {seen} entries on their first pages of {PAGE}")
    print(f"  first page   p50 {statistics.median(first):6.2f} ms  p99 {q[98]:6.2f} ms  "
          f"max {max(first):6.2f} ms")
    if second:
        q2 = statistics.quantiles(second, n=100) if len(second) > 1 else second * 99
        print(f"  next page    p50 {statistics.median(second):6.2f} ms  p99 {q2[98]:6.2f} ms  "
              f"max {max(second):6.2f} ms  ({len(second)} subjects with a second page "
              f"of {SMALL_PAGE})")
    print("  plan:\n" + plan(engine))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--url", default=os.environ.get("GATEWAY_TEST_DATABASE_URL",
                                                        DEFAULT_PG))
    parser.add_argument("--max-fill-seconds", type=float, default=1800.0)
    args = parser.parse_args()
    if args.postgres:
        admin = create_engine_from_url(args.url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        sep = "&" if "?" in args.url else "?"
        engine = create_engine_from_url(f"{args.url}{sep}options=-csearch_path%3D{SCHEMA}")
        label = "PostgreSQL"
    else:
        directory = Path("var") / "bench-access-log"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "audit.db"
        for stale in directory.glob("audit.db*"):
            stale.unlink()
        engine = create_engine_from_url(f"sqlite:///{path.resolve()}")
        label = "SQLite"
    try:
        upgrade(engine)
        seconds = fill(engine, args.rows, args.max_fill_seconds)
        report(label, engine, args.rows, seconds)
    finally:
        engine.dispose()
        if args.postgres:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
