"""Pre-publication sealing benchmark (RULES §6): ``gateway edoc seal --session`` over a generated
session, against the demo PKI (``gateway pki-sim`` in its own process, as a TSA is elsewhere).

Usage: ``python -m bench.seal_bench [--counts 500 2000] [--concurrency 4]``. For each count it
generates one session of about that many certificates (:mod:`bench.national`), imports it into
a fresh SQLite file, and times :func:`gateway.documents.batches.seal_session` (render the PDF,
XAdES-B-B, one TSA round trip, two OCSP round trips, store). Then it fits a line
``t = a + b·n`` through the measured points (least squares) and extrapolates to a national
session of 140,000 certificates; with two or more counts the ratio of the per-seal times says
whether the growth is linear. Not a test; prints only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.national import generate
from gateway.documents.batches import seal_session
from gateway.documents.issue import DocumentIssuer
from gateway.signing.config import SigningSettings
from gateway.signing.demo_pki import demo_urls
from gateway.signing.sealer import load_sealer
from gateway.store.db import create_engine_from_url, upgrade
from gateway.store.importer import import_file

NATIONAL = 140_000


@contextmanager
def pki_process(data_dir: Path) -> Iterator[str]:
    """``gateway pki-sim`` on a free port; its base URL."""
    env = {**os.environ, "GATEWAY_DATA_DIR": str(data_dir)}
    child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "pki-sim", "--port", "0"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        assert child.stdout is not None
        base = child.stdout.readline().split()[3].rstrip("/")
        for _ in range(3):
            child.stdout.readline()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(demo_urls(base).crl, timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=10)


def run(count: int, concurrency: int, work: Path, base: str) -> tuple[int, float]:
    """Seal a generated session of about ``count`` certificates; (documents, seconds)."""
    data = generate(students=max(1, count // 4), seed=count)
    data["documents"] = data["documents"][:count]
    source = work / f"session-{count}.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    engine = create_engine_from_url(f"sqlite:///{work / f'seal-{count}.db'}")
    upgrade(engine)
    import_file(engine, source)
    urls = demo_urls(base)
    settings = SigningSettings(tsa_url=urls.tsa, ocsp_url=urls.ocsp, crl_url=urls.crl)
    issuer = DocumentIssuer(load_sealer(settings, work), lambda: datetime.now(UTC))
    session = data["sessions"][0]["code"]
    started = time.perf_counter()
    done = seal_session(engine, issuer, session, concurrency=concurrency, batch=200)
    elapsed = time.perf_counter() - started
    engine.dispose()
    assert done.failed == 0, done.failures
    return done.changed, elapsed


def stages(work: Path, base: str, count: int = 30) -> None:
    """Where one seal's time goes, in one thread: medians over ``count`` certificates."""
    from statistics import median

    from gateway.documents.issue import printable, render
    from gateway.signing.asice import PDF_MIMETYPE, build_container
    from gateway.signing.validation_data import issuer_of
    from gateway.signing.xades import sign_detached
    from gateway.signing.xades_lt import signature_timestamp_input
    from gateway.store import documents as store
    from gateway.xmlsafe import parse_message

    data = generate(students=max(1, count // 4), seed=7)
    data["documents"] = data["documents"][:count]
    source = work / "stages.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    engine = create_engine_from_url(f"sqlite:///{work / 'stages.db'}")
    upgrade(engine)
    import_file(engine, source)
    urls = demo_urls(base)
    sealer = load_sealer(SigningSettings(tsa_url=urls.tsa, ocsp_url=urls.ocsp), work)
    client = sealer.client
    assert client is not None
    times: dict[str, list[float]] = {}

    def timed(name: str, started: float) -> float:
        now = time.perf_counter()
        times.setdefault(name, []).append(1000 * (now - started))
        return now

    for doc in data["documents"]:
        t = time.perf_counter()
        with engine.connect() as conn:
            sources = store.document_sources(conn, doc["number"])
        t = timed("read the rows", t)
        pdf = render(printable(sources))
        t = timed("render the PDF", t)
        xml = sign_detached([("c.pdf", pdf, PDF_MIMETYPE)], sealer.key,
                            signing_time=datetime.now(UTC))
        t = timed("XAdES-B-B signature", t)
        signature = parse_message(xml, max_bytes=len(xml) + 1)[0]
        stamp = client.timestamp(signature_timestamp_input(signature))
        t = timed("TSA round trip", t)
        eseal = sealer.key.certificate
        client.revocation(eseal, issuer_of(eseal, sealer.issuers) or eseal)
        client.revocation(stamp.signer, issuer_of(stamp.signer, sealer.issuers) or stamp.signer)
        t = timed("2 OCSP round trips", t)
        build_container("c.pdf", pdf, sealer.long_term(xml))
        timed("(B-LT again, all network, and container)", t)
    for name, values in times.items():
        print(f"  {name:<42} {median(values):7.1f} ms (median of {len(values)})")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--stages", action="store_true",
                        help="only time the stages of one seal, in one thread")
    args = parser.parse_args()
    points: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with pki_process(work) as base:
            if args.stages:
                stages(work, base)
                return
            for count in args.counts:
                n, seconds = run(count, args.concurrency, work, base)
                points.append((n, seconds))
                print(f"{n:>7} certificates: {seconds:8.1f} s, {1000 * seconds / n:6.1f} ms each, "
                      f"{n / seconds:6.1f}/s (concurrency {args.concurrency})", flush=True)
    if len(points) >= 2:
        mean_n = sum(n for n, _ in points) / len(points)
        mean_t = sum(t for _, t in points) / len(points)
        slope = sum((n - mean_n) * (t - mean_t) for n, t in points) / sum(
            (n - mean_n) ** 2 for n, _ in points)
        intercept = mean_t - slope * mean_n
        first, last = points[0], points[-1]
        print(f"fit: t = {intercept:.1f} s + {1000 * slope:.1f} ms × n; per-seal time "
              f"{1000 * first[1] / first[0]:.1f} → {1000 * last[1] / last[0]:.1f} ms from "
              f"{first[0]} to {last[0]}")
    else:
        intercept, slope = 0.0, points[0][1] / points[0][0]
    national = intercept + slope * NATIONAL
    print(f"extrapolated to {NATIONAL:,}: {national / 60:.0f} min ({national / 3600:.1f} h)")


if __name__ == "__main__":
    main()
