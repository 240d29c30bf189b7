"""What a process the tests (and an operator) start costs: ``gateway init``, and ``gateway
serve`` from start until ``/healthz`` answers and from SIGTERM until it has exited.

One command: ``python -m bench.process_costs [--runs 5]``. Each is run ``--runs`` times in a
fresh data directory under a temporary folder (demo keys made by the first ``init``), on
127.0.0.1, one worker; the median and the range are printed, wall-clock seconds, with the CPU
of ``init`` (its own and its children's). Bounded: every wait has a deadline.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env["GATEWAY_DATA_DIR"] = str(data_dir)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _init(env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gateway.cli", "init"], env=env, cwd=REPO,
                   capture_output=True, check=True, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _serve(env: dict[str, str], log: Path) -> tuple[float, float]:
    port = _free_port()
    started = time.perf_counter()
    with log.open("ab") as out:
        child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--port",
                                  str(port), "--workers", "1"], env=env, cwd=REPO,
                                 stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = started + 60
        while True:
            if child.poll() is not None or time.perf_counter() > deadline:
                raise SystemExit(f"gateway serve did not answer; see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.02)
        up = time.perf_counter() - started
        stopping = time.perf_counter()
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        return up, time.perf_counter() - stopping
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)


def _line(label: str, values: list[float]) -> str:
    return (f"{label:<34} median {statistics.median(values):6.3f} s   "
            f"range {min(values):.3f}–{max(values):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="process-costs-") as tmp:
        env = _env(Path(tmp) / "var")
        _init(env)  # the first makes the database and the demo keys
        inits = [_init(env) for _ in range(args.runs)]
        serves = [_serve(env, Path(tmp) / "serve.log") for _ in range(args.runs)]
    print(f"{args.runs} runs each, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(_line("gateway init (wall)", [w for w, _ in inits]))
    print(_line("gateway init (CPU)", [c for _, c in inits]))
    print(_line("gateway serve: start to /healthz", [u for u, _ in serves]))
    print(_line("gateway serve: SIGTERM to exit", [d for _, d in serves]))


if __name__ == "__main__":
    main()
