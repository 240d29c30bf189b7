"""Memory of a gateway worker under hostile traffic: the attack corpus, posted again and again.

Usage: ``python -m bench.attack_rss [--passes N] [--max-seconds S] [--postgres URL]``. Starts a
stand as the end-to-end tests do (the register simulator and ``gateway serve`` with one worker
on the demo data; SQLite in a temporary directory, or a fresh schema on PostgreSQL with
``--postgres``), then posts every case of ``tests/data/attacks`` (leaving out the known holes,
which would only wait for their timeouts) up to N times, stopping early after S seconds. Prints
the worker's resident memory (VmRSS) before, after each pass and at the end, its peak (VmHWM),
the hostile requests per second and whether the SSRF listener was ever reached.
Not a test; prints only. Target: growth under 30 MiB, no worker replaced, nothing fetched.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import text

from gateway.store.db import create_engine_from_url
from tests.soap import envelopes as E
from tests.soap.test_attacks import (
    CASES,
    Listener,
    Target,
    gateway_workers,
    rss_kib,
    send,
    target_of,
)
from tests.stand import Stand, running_stand

MIB = 1024


@contextmanager
def stand(data_dir: Path, postgres: str | None) -> Iterator[Stand]:
    """A running stand on SQLite, or on a fresh PostgreSQL schema dropped afterwards."""
    if postgres is None:
        with running_stand(data_dir, f"sqlite:///{data_dir / 'gateway.db'}") as running:
            yield running
        return
    schema = f"bench_attack_{uuid.uuid4().hex[:8]}"
    admin = create_engine_from_url(postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in postgres else "?"
        with running_stand(data_dir, f"{postgres}{sep}options=-csearch_path%3D{schema}") as running:
            yield running
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def valid_request_is_served(target: Target) -> bool:
    answer = requests.post(target.url, data=E.envelope(), timeout=5,
                           headers={"Content-Type": "text/xml; charset=utf-8"})
    return answer.status_code == 200


def run(target: Target, passes: int, max_seconds: float) -> None:
    cases = [case for case in CASES if case.xfail is None]
    valid_request_is_served(target)  # warm up: schemas, database pool, signing key
    workers = gateway_workers(target.port)
    before = rss_kib(workers)
    for pid in workers:
        print(f"worker {pid}: VmRSS before {before[pid][0] / MIB:.1f} MiB "
              f"({len(cases)} cases per pass, up to {passes} passes or {max_seconds:.0f} s)")
    started = time.perf_counter()
    sent = done = 0
    slowest = 0.0
    for number in range(1, passes + 1):
        for case in cases:
            _, answer = send(case, target)
            slowest = max(slowest, answer.seconds)
            sent += 1
        done = number
        now = rss_kib(workers)
        print(f"pass {number:3d}: {sent:6d} requests, "
              + ", ".join(f"worker {pid} VmRSS {now[pid][0] / MIB:.1f} MiB" for pid in workers))
        if time.perf_counter() - started > max_seconds:
            break
    seconds = time.perf_counter() - started
    after = rss_kib(workers)
    served = valid_request_is_served(target)
    same = gateway_workers(target.port) == workers
    print()
    for pid in workers:
        growth = (after[pid][0] - before[pid][0]) / MIB
        print(f"worker {pid}: VmRSS {before[pid][0] / MIB:.1f} MiB before, "
              f"{after[pid][0] / MIB:.1f} MiB after ({growth:+.1f} MiB), "
              f"peak (VmHWM) {after[pid][1] / MIB:.1f} MiB")
    print(f"{sent} hostile requests in {done} passes, {seconds:.1f} s: "
          f"{sent / seconds:.0f} requests/s, slowest answer {slowest * 1000:.0f} ms")
    print(f"valid request served afterwards: {served}; same worker processes: {same}; "
          f"SSRF listener connections: {len(target.ssrf.connections)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=10, help="most passes over the corpus")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="stop after the pass that crosses this")
    parser.add_argument("--postgres", default=None,
                        help="run on a fresh schema of this PostgreSQL database, not SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, stand(Path(tmp), args.postgres) as running, \
            Listener() as ssrf:
        run(target_of(running, ssrf), max(args.passes, 1), args.max_seconds)


if __name__ == "__main__":
    main()
