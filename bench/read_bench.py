"""Reads in a transaction against reads in autocommit (``gateway.store.db.reading``), side by
side in one run, on SQLite and PostgreSQL: the CPU and wall time of one read as the services
make it (a pooled connection, one indexed statement, the connection back to the pool). On
PostgreSQL also ``reading()`` with a ping at every check-out, as ``pool_pre_ping`` did before
the pool pinged only connections that rested (``store.db.PING_AFTER_IDLE_SECONDS``).

Usage: ``python -m bench.read_bench [--reads N] [--postgres URL]``. Bounded: N reads per
variant and round (3,000 by default), three alternating rounds.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from gateway.store import db
from gateway.store.db import create_engine_from_url, reading

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_STATEMENT = text("SELECT :x + 1")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(connect: Callable[[], AbstractContextManager[Connection]], reads: int
             ) -> tuple[float, float]:
    cpu, wall = _cpu(), time.perf_counter()
    for n in range(reads):
        with connect() as conn:
            conn.execute(_STATEMENT, {"x": n}).scalar()
    return (_cpu() - cpu) / reads * 1000, (time.perf_counter() - wall) / reads * 1000


def compare(label: str, engine: Engine, reads: int) -> None:
    variants: dict[str, Callable[[], Any]] = {
        "transaction (engine.connect)": engine.connect,
        "reading() (no transaction)": lambda: reading(engine),
    }
    if engine.dialect.name == "postgresql":
        variants["reading(), ping every check-out"] = lambda: _reading_pinged(engine)
    for connect in variants.values():
        _measure(connect, 200)  # warm the pool and the statement cache
    totals = {name: [0.0, 0.0] for name in variants}
    for _ in range(3):
        for name, connect in variants.items():
            cpu, wall = _measure(connect, reads)
            totals[name][0] += cpu / 3
            totals[name][1] += wall / 3
    for name, (cpu, wall) in totals.items():
        print(f"{label:<11} {name:<32} {cpu:6.3f} ms CPU  {wall:6.3f} ms wall per read")
    (t_cpu, t_wall), (a_cpu, a_wall), *pinged = totals.values()
    print(f"{label:<11} reading() saves {t_cpu - a_cpu:.3f} ms CPU ({1 - a_cpu / t_cpu:.0%}) "
          f"and {t_wall - a_wall:.3f} ms wall per read", flush=True)
    for p_cpu, p_wall in pinged:
        print(f"{label:<11} a ping at check-out costs {p_cpu - a_cpu:.3f} ms CPU and "
              f"{p_wall - a_wall:.3f} ms wall", flush=True)


def _reading_pinged(engine: Engine) -> Connection:
    """``reading(engine)`` with its check-out pinged: the resting threshold below zero."""
    saved = db.PING_AFTER_IDLE_SECONDS
    db.PING_AFTER_IDLE_SECONDS = -1.0
    try:
        return reading(engine)
    finally:
        db.PING_AFTER_IDLE_SECONDS = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="PostgreSQL URL ('' to skip)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = create_engine_from_url(f"sqlite:///{Path(tmp) / 'reads.db'}")
        compare("SQLite", sqlite, args.reads)
        sqlite.dispose()
    if args.postgres:
        postgres = create_engine_from_url(args.postgres)
        compare("PostgreSQL", postgres, args.reads)
        postgres.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
