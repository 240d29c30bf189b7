"""Where one results-day call's CPU goes, stage by stage, in one process and one thread.

One command: ``python -m bench.stages [--postgres] [--calls 4000] [--algorithm ecdsa-sha256]``,
after ``python -m bench.results_day`` has loaded its data set (``var/bench-sqlite`` or
``var/bench-postgres``). It starts the register simulator with the families on 127.0.0.1,
builds the gateway's WSGI application in this process (as a gunicorn worker does), wraps the
functions of each stage with a CPU clock (``time.process_time``), and calls the application
with the results-day mix, one call after another; then the floor's application
(``bench/floor.py``) with the same mix, and the rules floor's (``floor_app(rules=True)``: the
floor with the audit record and the register RULES §3 and §7 ask for). No HTTP server and no
other thread of ours runs, so the figures are the calls' own CPU, without gunicorn and
without the GIL's contention that ``bench.results_day`` measures with them. A stage nested in
another counts in both (spyne's dispatch holds the operation, which holds the authorisation,
which holds the register call). It also prints the garbage collector's work during the
gateway's calls and the objects one call leaves in reference cycles; what built the
applications is frozen first, as a gunicorn worker freezes it (``--no-freeze``: not).
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import os
import random
import sys
import time
import timeit
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from bench.results_day import REPO, _pg_schema, env_for, load_data, mix_bodies, server

STAGES = (
    ("gateway.soap.app", "GatewayApp.soap", "the whole call"),
    ("gateway.soap.envelope", "parse", "parse and check the envelope"),
    ("gateway.soap.app", "_peek_headers", "note message id and client for the audit"),
    ("gateway.soap.xroad", "check", "check the X-Road headers"),
    ("gateway.soap.app", "schema_errors", "validate the body against vpis.xsd"),
    ("gateway.soap.dispatch", "Dispatcher.dispatch", "spyne dispatch, with the operation"),
    ("gateway.soap.operation", "Operation.perform", "the operation: read, decide, answer"),
    ("gateway.services.results", "authorise", "EP181 authorisation (limit, register)"),
    ("gateway.registry.client", "RegistryClient.lookup", "register lookups (cache, call)"),
    ("gateway.soap.envelope", "answer", "the answer's envelope"),
    ("gateway.soap.app", "sign_payload", "sign the answer"),
    ("gateway.store.audit", "write", "write and commit the audit record"),
    ("gateway.soap.app", "GatewayApp._observe", "metrics and the log line"),
)


def _wrap(module: Any, dotted: str, spent: dict[str, float], calls: Counter[str]) -> None:
    owner, name = module, dotted
    if "." in dotted:
        owner_name, name = dotted.split(".")
        owner = getattr(module, owner_name)
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[dotted] += time.process_time() - started
            calls[dotted] += 1

    setattr(owner, name, timed)


def _caller(app: Callable[..., Any]) -> Callable[[bytes], None]:
    def call(body: bytes) -> None:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "CONTENT_TYPE": "text/xml; charset=utf-8", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "REMOTE_ADDR": "127.0.0.1", "HTTP_SOAPACTION": '""', "wsgi.version": (1, 0),
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status: list[str] = []
        answer = b"".join(app(environ, lambda s, _h, _e=None: status.append(s)))
        if not status[0].startswith("200"):
            raise RuntimeError(f"{status[0]}: {answer[:500]!r}")
    return call


class Collector:
    """The garbage collector's work while the calls run: collections and their time by
    generation (``gc.callbacks``), the longest one, and what one call leaves in cycles."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.longest = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        spent = time.perf_counter() - self._started
        self.count[info["generation"]] += 1
        self.seconds[info["generation"]] += spent
        self.longest = max(self.longest, spent)

    def line(self, calls: int) -> str:
        parts = ", ".join(f"generation {g}: {self.count[g]} taking {self.seconds[g] * 1000:.1f} ms"
                          for g in range(3))
        return (f"  garbage collector over {calls} calls: {parts}; the longest "
                f"{self.longest * 1000:.1f} ms ({sum(self.seconds) / calls * 1e6:.1f} µs a call)")


def _cycles_per_call(call: Callable[[bytes], None], bodies: list[bytes], calls: int = 100) -> float:
    """Objects one call leaves in reference cycles (found by a collection after ``calls``)."""
    gc.collect()
    gc.disable()
    try:
        for n in range(calls):
            call(bodies[n % len(bodies)])
        return gc.collect() / calls
    finally:
        gc.enable()


def _measure(call: Callable[[bytes], None], bodies: list[bytes], calls: int) -> float:
    for body in bodies[:300]:  # warm-up: schemas, caches, the pool
        call(body)
    started = time.process_time()
    for n in range(calls):
        call(bodies[n % len(bodies)])
    return (time.process_time() - started) / calls * 1000


def _shape_check(body: bytes, limits: Any) -> str:
    """The shape check of one request, by walking the tree and by the bound its bytes set."""
    from lxml import etree

    from gateway.xmlsafe import check_shape, hardened_parser

    root = etree.fromstring(body, parser=hardened_parser())
    ways = {"walked": lambda: check_shape(root, limits),
            "bounded by its bytes": lambda: check_shape(root, limits, source=(body, "utf-8"))}
    micro = {name: min(timeit.repeat(way, number=2000, repeat=5)) / 2000 * 1e6
             for name, way in ways.items()}
    return "  shape check of one request: " + ", ".join(
        f"{name} {us:.0f} µs" for name, us in micro.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", nargs="?",
                        const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="the PostgreSQL data set of bench.results_day --postgres")
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--algorithm", choices=("rsa-sha256", "ecdsa-sha256"),
                        default="rsa-sha256", help="the answers' signature algorithm")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave what built the applications to the garbage collector "
                             "(a gunicorn worker freezes it, gateway/serve.py)")
    args = parser.parse_args()
    kind = "postgres" if args.postgres else "sqlite"
    data_dir = REPO / "var" / f"bench-{kind}"
    marker = data_dir / "dataset-35000.json"
    if not marker.exists():
        sys.exit(f"no data set in {data_dir}: run python -m bench.results_day"
                 f"{' --postgres' if args.postgres else ''} first")
    if args.postgres:
        database_url = _pg_schema(args.postgres, fresh=False)
    else:
        database_url = f"sqlite:///{data_dir / 'gateway.db'}"
    reg_port = 18191
    env = env_for(data_dir, database_url, f"http://127.0.0.1:{reg_port}/",
                  "http://127.0.0.1:18190/")
    env["GATEWAY_SIGNING__ALGORITHM"] = args.algorithm
    data = load_data(data_dir, env, 35_000)  # the marker exists: read, not generated
    bodies = [b.encode() for b in mix_bodies(data, random.Random(11))]
    os.environ.clear()
    os.environ.update(env)

    from gateway.settings import load_settings

    settings = load_settings()
    log = data_dir / "servers.log"
    with server(["gateway.cli", "registry-sim", "--port", str(reg_port), "--fixture",
                 str(data_dir / "registry.json")], env,
                f"http://127.0.0.1:{reg_port}/?wsdl", log):
        import importlib

        from bench.floor import floor_app
        from gateway.serve import gateway_app

        spent: dict[str, float] = defaultdict(float)
        counted: Counter[str] = Counter()
        for module, dotted, _what in STAGES:
            _wrap(importlib.import_module(module), dotted, spent, counted)
        app = gateway_app(settings)
        checkouts = Counter[str]()
        event.listen(Pool, "checkout", lambda *_: checkouts.update(["pool"]))
        if not args.no_freeze:  # as a worker does once its application is built
            gc.collect()
            gc.freeze()
        collector = Collector()
        gc.callbacks.append(collector)
        gateway_ms = _measure(_caller(app), bodies, args.calls)
        gc.callbacks.remove(collector)
        whole = counted["GatewayApp.soap"]
        lines = [f"  {spent[dotted] / whole * 1000:6.3f} ms  {what:<46} ({counted[dotted]} calls)"
                 for _module, dotted, what in STAGES]  # before the floor calls any of them
        lines.append(f"  database pool check-outs per call: {checkouts['pool'] / whole:.2f}")
        lines.append(collector.line(args.calls + 300) + ("" if args.no_freeze else
                                                         ", start-up objects frozen"))
        lines.append(f"  objects left in reference cycles by one call: "
                     f"{_cycles_per_call(_caller(app), bodies):.1f}")
        lines.append(_shape_check(bodies[0], settings.xml_limits))
        floor_ms = _measure(_caller(floor_app(settings)), bodies, args.calls)
        rules_ms = _measure(_caller(floor_app(settings, rules=True)), bodies, args.calls)
    print(f"\n{kind}, {args.calls} calls of the results-day mix (and 300 to warm up), one "
          f"thread, {settings.signing.algorithm}; CPU per call, stage by stage:")
    print("\n".join(lines))
    print(f"\n  gateway {gateway_ms:.3f} ms, rules floor {rules_ms:.3f} ms, floor "
          f"{floor_ms:.3f} ms per call: {gateway_ms / rules_ms:.2f}x the rules floor, "
          f"{gateway_ms / floor_ms:.2f}x the floor (with the clocks' own cost in the "
          "gateway's figure)")


if __name__ == "__main__":
    main()
