"""Import benchmark: a national year into SQLite and PostgreSQL, timed.

Usage: ``python -m bench.import_bench [--students N] [--postgres URL]``. Generates the file
(bench/national.py), loads it into a fresh SQLite database and a fresh PostgreSQL schema, then
loads it a second time into each (the idempotent path), and prints the seconds of each run.
The target (issue 2): under 60 s per first load on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.national import generate
from gateway.store.db import create_engine_from_url, upgrade
from gateway.store.importer import import_file

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_import"


def _pg_url(base: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{SCHEMA}"


def run(label: str, url: str, path: Path) -> list[str]:
    engine = create_engine_from_url(url)
    upgrade(engine)
    lines = []
    try:
        for attempt in ("first load", "second load (no change)"):
            started = time.perf_counter()
            summary = import_file(engine, path)
            seconds = time.perf_counter() - started
            changed = sum(summary.changed.values())
            lines.append(f"{label:<10} {attempt:<24} {seconds:7.1f} s   rows written {changed}")
    finally:
        engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=35_000)
    parser.add_argument("--postgres", default=os.environ.get("GATEWAY_TEST_DATABASE_URL",
                                                             DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.json"
        started = time.perf_counter()
        doc = generate(args.students)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        print(f"generated {len(doc['persons'])} persons, {len(doc['results'])} results, "
              f"{len(doc['documents'])} documents ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        del doc
        lines = run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", path)
        if not args.no_postgres:
            admin = create_engine_from_url(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            try:
                lines += run("postgresql", _pg_url(args.postgres), path)
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                admin.dispose()
    print("\n".join(lines))
    print("target: first load under 60 s on each database")


if __name__ == "__main__":
    main()
