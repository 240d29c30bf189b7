"""School route benchmark (RULES §12, issue 11): a 400-graduate school's ZIP and a 2,000-student
school's VIIS report, through the portal's own pages.

Usage: ``python -m bench.school_bench [--graduates N] [--certificates K] [--students M]
[--postgres]``.

Makes a fresh database (SQLite under ``var/bench-school/``, or a fresh PostgreSQL schema) with
two generated schools in one published secondary session: school A with ``--graduates``
graduates of ``--certificates`` certificates each (400 × 4 by default: 1,600 ``.edoc``), and
school B with ``--students`` students of four results each (2,000 × 4 = 8,000 report rows).
Then it asks the portal's Flask application (the one ``gateway serve`` mounts under /portal/,
with a school administrator's sealed session cookie) for

1. A's ZIP the first time: every certificate rendered, sealed, stored and audited while the
   archive streams;
2. A's ZIP again: every certificate served as stored;
3. B's report (``.xlsx``), twice.

Each line prints the wall time, the time to the first byte, the bytes sent, and memory: the
growth of the process's peak RSS during the request (Linux ``VmHWM``, reset before each by
``/proc/self/clear_refs``) and, in a separate run of the same request, the peak of Python's
own allocations (tracemalloc). The body is consumed chunk by chunk and thrown away, as a
browser saving to disk does. Bounded: five requests, one pass each.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from gateway.domain.personal_code import check_digit
from gateway.portal.app import create_portal
from gateway.portal.settings import PortalSettings
from gateway.runtime import Runtime
from gateway.settings import load_settings
from gateway.store.db import create_engine_from_url, upgrade
from gateway.store.importer import import_document

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_school"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
SCHOOL_A, SCHOOL_B = "9900000001", "9900000002"
STAFF = "12037814517"
EXAMS = [
    {"code": "LVA", "name": "Centralizētais eksāmens latviešu valodā",
     "parts": ["Lasīšana", "Valodas lietojums", "Rakstīšana"], "cefr": False},
    {"code": "MAT", "name": "Centralizētais eksāmens matemātikā",
     "parts": ["1. daļa", "2. daļa", "3. daļa"], "cefr": False},
    {"code": "ANG", "name": "Centralizētais eksāmens angļu valodā",
     "parts": ["Klausīšanās", "Lasīšana", "Rakstīšana", "Runāšana"], "cefr": True},
    {"code": "BIO", "name": "Centralizētais eksāmens bioloģijā", "parts": [], "cefr": False},
]
COUNTRIES = "ripencc|LV|ipv4|127.0.0.0|16777216|20000101|allocated|bench\n"


def _code(n: int) -> str:
    """The n-th generated old-format personal code: born in 2007, valid check digit."""
    day = date(2007, 1, 1) + timedelta(days=n % 365)
    first = f"{day:%d%m%y}2{n // 365 % 1000:03d}"
    return f"{first[:6]}-{first[6:]}{check_digit(first)}"


def school_document(graduates: int, certificates: int, students: int) -> dict[str, Any]:
    """The import document (RULES §9) of the two schools."""
    persons, results, documents = [], [], []
    for n in range(graduates + students):
        code = _code(n)
        school = SCHOOL_A if n < graduates else SCHOOL_B
        persons.append({"personal_code": code, "given_name": f"Vārds{n}",
                        "family_name": f"Uzvārdiņš{n:05d}"})
        for k, exam in enumerate(EXAMS[:certificates] if school == SCHOOL_A else EXAMS):
            results.append({
                "personal_code": code, "session": "2026-V", "exam": exam["code"],
                "institution": school, "total_percent": 40.0 + (n + k) % 60, "passed": True,
                "cefr_level": "B2" if exam["cefr"] else None,
                "parts": {p: 50.0 + (n + i) % 50 for i, p in enumerate(exam["parts"])},
            })
            if school == SCHOOL_A:
                documents.append({
                    "number": f"2026/{n:012d}-{exam['code']}", "kind": "ce_certificate",
                    "personal_code": code, "session": "2026-V", "exam": exam["code"],
                    "issued_on": "2026-07-11", "title": "Centralizētā eksāmena sertifikāts"})
    return {
        "sessions": [{"code": "2026-V", "school_year": "2025/2026", "level": "secondary",
                      "published_at": "2026-07-11T08:00:00+03:00"}],
        "exams": EXAMS,
        "institutions": [{"code": SCHOOL_A, "name": "Benchmarka vidusskola A"},
                         {"code": SCHOOL_B, "name": "Benchmarka vidusskola B"}],
        "persons": persons, "results": results, "documents": documents,
    }


def _rss_peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def measure(label: str, get: Callable[[], Any], *, traced: bool) -> None:
    """One request, its body consumed chunk by chunk; prints one line."""
    _reset_peak()
    before = _rss_kib()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = get()
    first_byte = None
    sent = 0
    for chunk in response.response:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        sent += len(chunk)
    wall = time.perf_counter() - started
    response.close()
    python_peak = ""
    if traced:
        python_peak = f"  python peak {tracemalloc.get_traced_memory()[1] / 2**20:6.1f} MiB"
        tracemalloc.stop()
    assert response.status_code == 200, response.status_code
    print(f"{label:<34} {wall:7.2f} s  first byte {first_byte or 0:6.3f} s  "
          f"{sent / 2**20:7.1f} MiB sent  RSS +{(_rss_peak_kib() - before) / 1024:6.1f} MiB"
          f"{python_peak}", flush=True)


@contextmanager
def database(postgres: bool, root: Path) -> Iterator[str]:
    if not postgres:
        root.mkdir(parents=True, exist_ok=True)
        path = root / "school.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    engine = create_engine_from_url(DEFAULT_PG)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    try:
        yield f"{DEFAULT_PG}?options=-csearch_path%3D{SCHEMA}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graduates", type=int, default=400, help="school A's graduates")
    parser.add_argument("--certificates", type=int, default=4, choices=range(1, 5),
                        help="certificates per graduate of school A (1-4)")
    parser.add_argument("--students", type=int, default=2000, help="school B's students")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args(argv)
    root = Path(os.environ.get("GATEWAY_BENCH_DIR", "var/bench-school")).resolve()
    with database(args.postgres, root) as url:
        data_dir = root / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "countries.txt").write_text(COUNTRIES, encoding="ascii")
        portal = PortalSettings(secret_key="bench-school-secret-0123456789abcdef",  # noqa: S106
                                secure_cookies=False,
                                country_database=data_dir / "countries.txt")
        settings = load_settings(data_dir=data_dir, database_url=url, portal=portal)
        runtime = replace(Runtime.build(settings), clock=lambda: NOW)
        upgrade(runtime.engine)
        started = time.perf_counter()
        import_document(runtime.engine, school_document(args.graduates, args.certificates,
                                                        args.students))
        print(f"{'SQLite' if not args.postgres else 'PostgreSQL'}: school A {args.graduates} "
              f"graduates × {args.certificates} certificates, school B {args.students} students "
              f"× {len(EXAMS)} results; loaded in {time.perf_counter() - started:.1f} s",
              flush=True)
        client = create_portal(runtime).test_client()
        base = "http://127.0.0.1/portal/"  # mounted as `gateway serve` mounts it: the cookie's path
        with client.session_transaction(base_url=base) as session:
            session.update(code=STAFF, provider="eklase", lang="lv", seen=int(time.time()),
                           schools=[SCHOOL_A, SCHOOL_B])

        def zip_a() -> Any:
            return client.get("/school/certificates.zip",
                              query_string={"institution": SCHOOL_A, "session": "2026-V"},
                              base_url=base, buffered=False)

        def report_b() -> Any:
            return client.get("/school/report.xlsx",
                              query_string={"institution": SCHOOL_B, "date": "2026-11-28",
                                            "education": "secondary"},
                              base_url=base, buffered=False)

        measure("ZIP A, first (sealing each)", zip_a, traced=False)
        print(f"{'':<34} sealed {runtime.issuer.counters.sealed}, "
              f"stored {runtime.issuer.counters.served_stored}", flush=True)
        measure("ZIP A, again (stored)", zip_a, traced=False)
        measure("ZIP A, again (traced)", zip_a, traced=True)
        measure("report B (.xlsx)", report_b, traced=False)
        measure("report B (.xlsx, traced)", report_b, traced=True)
        with runtime.engine.connect() as conn:
            audited = conn.scalar(text(
                "SELECT count(*) FROM audit_records WHERE service = 'portal.school.zip'"))
        print(f"audit records of the ZIPs: {audited} "
              f"(= 3 × {args.graduates * args.certificates})", flush=True)
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
