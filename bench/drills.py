"""Fault drills: the gateway under load while something breaks, each printing its figure.

``python -m bench.drills kill-worker | register-outage | soak | two-instances [--postgres URL]``

Each drill starts the register simulator and the real gateway under gunicorn on 127.0.0.1 with
the demo data (a fresh SQLite file, or a fresh schema on PostgreSQL), drives it from threads of
this process for a bounded time and a bounded number of requests, and checks what RULES §3 and
§7 promise:

- ``kill-worker``: a worker is killed with SIGKILL mid-load; every answer the client received
  has its audit record (no answer without its record), and gunicorn replaces the worker.
- ``register-outage``: the register is stopped, then slow (past the read timeout), then back;
  no answer about another person is allowed while it is away, the refusals ("try again later")
  come within the register deadline, and answers are allowed again once it is back.
- ``soak``: the results-day mix at 80 % of the peak this client measured, for ten minutes by
  default; no errors, and the workers' RSS at the start and the end.
- ``two-instances``: two gateways on one PostgreSQL; one requester asking about ever new
  persons through both in turn is refused after ``subject_limit`` of them, counted across both.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

from bench.national import personal_code
from bench.procstat import children, rss_mb
from bench.results_day import REPO, body, cli, env_for, server

PARENT, CHILD = "020578-17513", "140310-24716"  # Pēteris and his daughter Anna (a minor)
SELF = ["220806-21170", "020578-17513", "300985-17224"]  # adults asking about themselves


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


GATEWAY_PORTS, REGISTRY_PORT = (_free_port(), _free_port()), _free_port()


@dataclass
class Answer:
    message_id: str
    kind: str  # "self" or "other"
    sent: float
    received: float
    status: int | None  # None: no answer (connection reset)
    fault: str | None = None


@dataclass
class Load:
    """Threads posting requests until ``stop`` or their budget runs out."""

    url: str
    make: Callable[[int], tuple[str, str, bytes]]  # n -> (message id, kind, body)
    threads: int = 4
    budget: int = 20_000
    rate: float | None = None  # requests per second over all threads
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def _next(self) -> int | None:
        with self._lock:
            if self._count >= self.budget or self.stop.is_set():
                return None
            self._count += 1
            return self._count

    def _worker(self) -> None:
        session = requests.Session()
        interval = self.threads / self.rate if self.rate else 0.0
        while (n := self._next()) is not None:
            message_id, kind, data = self.make(n)
            sent = time.monotonic()
            try:
                reply = session.post(self.url, data=data, timeout=15,
                                     headers={"Content-Type": "text/xml; charset=utf-8"})
                status, text = reply.status_code, reply.text
            except requests.RequestException:
                status, text = None, ""
            received = time.monotonic()
            fault = None
            if status == 500 and "<code>" in text.replace("vpis:", ""):
                fault = text.replace("vpis:", "").split("<code>", 1)[1].split("<", 1)[0]
            with self._lock:
                self.answers.append(Answer(message_id, kind, sent, received, status, fault))
            if interval:
                time.sleep(max(0.0, interval - (received - sent)))

    @contextmanager
    def running(self) -> Iterator[Load]:
        workers = [threading.Thread(target=self._worker, daemon=True)
                   for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        try:
            yield self
        finally:
            self.stop.set()
            for worker in workers:
                worker.join(timeout=30)


def request(user: str, subject: str, tag: str) -> tuple[str, bytes]:
    message_id = f"drill-{tag}-{uuid.uuid4().hex[:12]}"
    text = body(user, "getExamResults", subject, 0).format(extra="")
    return message_id, text.replace("<xrd:id>bench-0</xrd:id>",
                                    f"<xrd:id>{message_id}</xrd:id>").encode("utf-8")


@dataclass
class Stand:
    env: dict[str, str]
    data_dir: Path
    log: Path
    stack: ExitStack

    def gateway(self, port: int, **extra: str) -> subprocess.Popen[bytes]:
        url = f"http://127.0.0.1:{port}/"
        env = dict(self.env, GATEWAY_PUBLIC_URL=url, **extra)
        return self.stack.enter_context(
            server(["gateway.cli", "serve", "--port", str(port)], env, url + "healthz",
                   self.log))

    def registry(self, *args: str) -> subprocess.Popen[bytes]:
        return self.stack.enter_context(self.registry_process(*args))

    @contextmanager
    def registry_process(self, *args: str) -> Iterator[subprocess.Popen[bytes]]:
        url = f"http://127.0.0.1:{REGISTRY_PORT}/"
        with server(["gateway.cli", "registry-sim", "--port", str(REGISTRY_PORT), *args],
                    self.env, url + "?wsdl", self.log) as process:
            yield process


@contextmanager
def stand(postgres: str | None, **settings: str) -> Iterator[Stand]:
    with tempfile.TemporaryDirectory(prefix="vpis-drill-") as tmp, ExitStack() as stack:
        data_dir = Path(tmp)
        database_url = f"sqlite:///{data_dir / 'gateway.db'}"
        if postgres:
            database_url = stack.enter_context(_pg_schema(postgres))
        env = env_for(data_dir, database_url, f"http://127.0.0.1:{REGISTRY_PORT}/",
                      f"http://127.0.0.1:{GATEWAY_PORTS[0]}/")
        env.update(settings)
        cli(env, "init")
        cli(env, "demo")
        yield Stand(env, data_dir, data_dir / "servers.log", stack)


@contextmanager
def _pg_schema(base: str) -> Iterator[str]:
    from sqlalchemy import text

    from gateway.store.db import create_engine_from_url

    schema = f"drill_{uuid.uuid4().hex[:10]}"
    admin = create_engine_from_url(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def audited(env: dict[str, str], message_ids: list[str]) -> set[str]:
    from sqlalchemy import select

    from gateway.store.db import create_engine_from_url
    from gateway.store.models import AuditRecord

    engine = create_engine_from_url(env["GATEWAY_DATABASE_URL"])
    found: set[str] = set()
    try:
        with engine.connect() as conn:
            for start in range(0, len(message_ids), 500):
                chunk = message_ids[start:start + 500]
                found |= set(conn.scalars(select(AuditRecord.message_id).where(
                    AuditRecord.message_id.in_(chunk))))
    finally:
        engine.dispose()
    return {m for m in found if m}


def mixed(n: int) -> tuple[str, str, bytes]:
    if n % 5 == 0:
        message_id, data = request(PARENT, CHILD, "other")
        return message_id, "other", data
    who = SELF[n % len(SELF)]
    message_id, data = request(who, who, "self")
    return message_id, "self", data


def kill_worker(args: argparse.Namespace) -> bool:
    with stand(args.postgres) as s:
        s.registry()
        gateway = s.gateway(GATEWAY_PORTS[0])
        before = set(children(gateway.pid))
        load = Load(f"http://127.0.0.1:{GATEWAY_PORTS[0]}/", mixed, threads=4, budget=20_000)
        with load.running():
            time.sleep(3)
            victim = sorted(before)[0]
            os.kill(victim, signal.SIGKILL)
            time.sleep(args.seconds)
        after = set(children(gateway.pid))
        received = [a for a in load.answers if a.status is not None]
        records = audited(s.env, [a.message_id for a in received])
        missing = [a for a in received if a.message_id not in records]
        lost = sum(1 for a in load.answers if a.status is None)
        ok = not missing and len(after) == len(before) and victim not in after
        print(f"kill-worker: SIGKILL to worker {victim} after 3 s of load")
        print(f"  answers received: {len(received)} (200: "
              f"{sum(a.status == 200 for a in received)}, faults: "
              f"{sum(a.status == 500 for a in received)}); no answer (connection cut): {lost}")
        print(f"  received answers without an audit record: {len(missing)} (must be 0)")
        print(f"  workers before {len(before)}, after {len(after)}; the killed one replaced: "
              f"{victim not in after and len(after) == len(before)}")
        return ok


def register_outage(args: argparse.Namespace) -> bool:
    with stand(args.postgres, GATEWAY_REGISTRY_CACHE_TTL="0") as s:
        registry = s.stack.enter_context(s.registry_process())
        s.gateway(GATEWAY_PORTS[0])
        deadline = float(s.env.get("GATEWAY_REGISTRY_READ_TIMEOUT", "3.0")) + float(
            s.env.get("GATEWAY_REGISTRY_CONNECT_TIMEOUT", "2.0"))
        load = Load(f"http://127.0.0.1:{GATEWAY_PORTS[0]}/", mixed, threads=4, budget=20_000)
        phases: list[tuple[str, float]] = []
        with load.running():
            phases.append(("up", time.monotonic()))
            time.sleep(3)
            registry.terminate()
            registry.wait(timeout=20)
            phases.append(("stopped", time.monotonic()))
            time.sleep(4)
            with s.registry_process("--delay", str(deadline + 2)):
                phases.append(("slow", time.monotonic()))
                time.sleep(6)
            # The slow register is gone from here; the next one answers as soon as it listens,
            # before it is seen ready, so what is sent now belongs to no phase that is judged.
            phases.append(("restarting", time.monotonic()))
            with s.registry_process():
                phases.append(("back", time.monotonic()))
                time.sleep(5)
                phases.append(("end", time.monotonic()))
        windows = {name: (start, phases[i + 1][1]) for i, (name, start) in
                   enumerate(phases[:-1])}

        def within(a: Answer, name: str) -> bool:
            start, end = windows[name]
            return start <= a.sent and a.received <= end

        ok = True
        print("register-outage: register up 3 s, stopped 4 s, slow 6 s, back 5 s; cache off")
        for name in ("stopped", "slow"):
            others = [a for a in load.answers if a.kind == "other" and within(a, name)]
            allowed = sum(a.status == 200 for a in others)
            later = [a for a in others if a.fault == "RegistryUnavailable"]
            slowest = max((a.received - a.sent for a in later), default=0.0)
            selfs = [a for a in load.answers if a.kind == "self" and within(a, name)]
            print(f"  register {name}: other-person answers {len(others)}, allowed {allowed} "
                  f"(must be 0), 'try again later' {len(later)}, slowest refusal "
                  f"{slowest:.2f} s (deadline {deadline:.1f} s); own results answered "
                  f"{sum(a.status == 200 for a in selfs)} of {len(selfs)}")
            ok = ok and allowed == 0 and len(later) == len(others) and slowest <= deadline + 1
        back = sorted((a for a in load.answers if a.kind == "other" and within(a, "back")
                       and a.status == 200), key=lambda a: a.sent)
        recovery = back[0].received - windows["back"][0] if back else float("inf")
        print(f"  register back: other-person answers allowed again {len(back)}, first after "
              f"{recovery:.2f} s")
        return ok and bool(back)


def soak(args: argparse.Namespace) -> bool:
    with stand(args.postgres) as s:
        s.registry()
        gateway = s.gateway(GATEWAY_PORTS[0])
        url = f"http://127.0.0.1:{GATEWAY_PORTS[0]}/"
        probe = Load(url, mixed, threads=8, budget=50_000)
        started = time.monotonic()
        with probe.running():
            time.sleep(10)
        peak = len(probe.answers) / (time.monotonic() - started)
        workers = children(gateway.pid)
        rss_start = [rss_mb(p) for p in workers]
        rate = 0.8 * peak
        load = Load(url, mixed, threads=8, budget=int(rate * args.seconds * 1.1) + 10, rate=rate)
        begun = time.monotonic()
        with load.running():
            time.sleep(args.seconds)
        took = time.monotonic() - begun
        rss_end = [rss_mb(p) for p in children(gateway.pid)]
        errors = sum(1 for a in load.answers if a.status != 200)
        print(f"soak: peak {peak:.0f} req/s (8 threads, 10 s); soaked at {rate:.0f} req/s asked, "
              f"{len(load.answers) / took:.0f} req/s served, for {took:.0f} s: "
              f"{len(load.answers)} requests, {errors} errors (must be 0)")
        print("  worker RSS MB at the start: " + ", ".join(f"{m:.1f}" for m in rss_start)
              + "; at the end: " + ", ".join(f"{m:.1f}" for m in rss_end))
        grew = max(e - b for b, e in zip(rss_start, rss_end, strict=False)) if rss_end else 0
        print(f"  largest growth of a worker: {grew:.1f} MB")
        return errors == 0 and children(gateway.pid) == workers


def two_instances(args: argparse.Namespace) -> bool:
    if not args.postgres:
        sys.exit("two-instances needs --postgres (one database for both instances)")
    limit = 20
    with stand(args.postgres, GATEWAY_SUBJECT_LIMIT=str(limit)) as s:
        s.registry()
        for port in GATEWAY_PORTS:
            s.gateway(port)
        session = requests.Session()
        asker = "020578-17513"
        answered, refused = [], []
        for n in range(limit + 6):
            subject = personal_code(date(1990, 1, 1) + timedelta(days=n), n)  # a stranger
            port = GATEWAY_PORTS[n % 2]
            _message, data = request(asker, subject, "enum")
            reply = session.post(f"http://127.0.0.1:{port}/", data=data, timeout=15,
                                 headers={"Content-Type": "text/xml; charset=utf-8"})
            (refused if "TooManySubjects" in reply.text else answered).append((port, subject))
        ports = {port for port, _ in answered}
        print(f"two-instances: one requester, {limit + 6} new persons through two gateways "
              f"on one PostgreSQL in turn")
        print(f"  answered (no mandate: strangers) {len(answered)} through ports "
              f"{sorted(ports)}, refused TooManySubjects {len(refused)} (limit {limit})")
        return len(answered) == limit and len(refused) == 6


DRILLS = {"kill-worker": kill_worker, "register-outage": register_outage, "soak": soak,
          "two-instances": two_instances}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("drill", choices=sorted(DRILLS))
    parser.add_argument("--postgres", nargs="?",
                        const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="run on PostgreSQL (default URL: this machine's test database)")
    parser.add_argument("--seconds", type=int, default=None,
                        help="load time (kill-worker 8, soak 600)")
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 600 if args.drill == "soak" else 8
    os.chdir(REPO)
    ok = DRILLS[args.drill](args)
    print(f"{args.drill}: {'PASSED' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
