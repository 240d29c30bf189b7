"""A real stand for end-to-end tests: the register simulator and ``gateway serve`` as processes.

Both bind 127.0.0.1 on free ports; the gateway runs on the demo data set (SQLite file, or a
fresh PostgreSQL schema), with demo keys made on the spot, exactly as an operator starts it, and
with its clock started at the demo's "today" (``DEMO_CLOCK_START``), so that what the tests
expect of the demo people holds whatever the wall clock says.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.demo import DEMO_CLOCK_START

REPO = Path(__file__).resolve().parent.parent
PORTAL = "LV/GOV/90000026101/LVPORTAALS"
"""The demo latvija.gov.lv subsystem, allowed on every service."""
SCHOOL_PORTAL = "LV/GOV/90009999999"
"""A MEMBER client, allowed on getExamResults only."""
VERIFIER = "LV/EDU/90000076669/LU"
"""The demo verifier (a university), allowed on verifyCertificate only."""
EMPLOYER = "LV/COM/40003000001/HR"
"""A second verifier, used up by the rate-limit test alone."""
EMPLOYER_2 = "LV/COM/40003000002/HR"
"""A third verifier, which the rate-limit test shows is not limited by the second's calls."""
GUESSER = "LV/COM/40003000003/HR"
"""A verifier that guesses wrong: blocked after its third failure (RULES §14), so no other test's
verifier is."""
VERIFY_LIMIT = 60
"""verifyCertificate calls per verifier per window on the stand: above what all the tests
make as VERIFIER in one session, reached by the rate-limit test as EMPLOYER."""


_HANDED_OUT: set[int] = set()
"""The ports :func:`free_port` gave in this process: the kernel may offer a port again as soon
as its probe is closed, and two servers of one stand were once given the same one."""


def free_port() -> int:
    """A port free now, for a server in another process to bind (another socket may take it
    meanwhile; an in-process server uses :func:`listening_socket` instead); never one handed
    out before in this process."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise RuntimeError("no port that was not handed out before")


def listening_socket() -> socket.socket:
    """A socket bound to a free port on 127.0.0.1 and already listening: its port is known
    before the server that takes it over is built, and no other socket can take the port in
    between (a client's outgoing connection did, once, between ``free_port`` and the bind)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1.0) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@dataclass(frozen=True)
class Stand:
    """A running gateway and register simulator."""

    url: str
    registry_url: str
    data_dir: Path
    database_url: str
    env: dict[str, str]

    @property
    def ca_pem(self) -> Path:
        return self.data_dir / "keys" / "ca.pem"


def environment(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update({
        "GATEWAY_DATA_DIR": str(data_dir),
        "GATEWAY_DATABASE_URL": database_url,
        "GATEWAY_ALLOWED_CLIENTS": json.dumps({"getExamResults": [PORTAL, SCHOOL_PORTAL],
                                               "verifyCertificate": [VERIFIER, EMPLOYER,
                                                                     EMPLOYER_2, GUESSER],
                                               "verifyShare": [VERIFIER, GUESSER]}),
        "GATEWAY_CLIENT_KINDS": json.dumps({SCHOOL_PORTAL: "school", VERIFIER: "verifier",
                                            EMPLOYER: "verifier", EMPLOYER_2: "verifier",
                                            GUESSER: "verifier"}),
        "GATEWAY_VERIFY_LIMIT": str(VERIFY_LIMIT),
        "GATEWAY_CLOCK_START": DEMO_CLOCK_START.isoformat(),
        **extra,
    })
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], env=env, cwd=REPO, text=True,
        capture_output=True, timeout=120, check=True,
    )


@contextmanager
def process(args: list[str], env: dict[str, str], ready_url: str, log_path: Path
            ) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python -m gateway.cli ARGS`` until the block ends; wait for ``ready_url`` first."""
    with log_path.open("ab") as log:
        child = subprocess.Popen([sys.executable, "-m", "gateway.cli", *args], env=env,
                                 cwd=REPO, stdout=log, stderr=log)
        try:
            wait_for(ready_url, child)
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=5)


def gateway_process(env: dict[str, str], port: int, data_dir: Path, *, workers: int = 1
                    ) -> Any:
    """``gateway serve`` on ``port`` as a context manager."""
    return process(["serve", "--port", str(port), "--workers", str(workers)], env,
                   f"http://127.0.0.1:{port}/healthz", data_dir / "processes.log")


@contextmanager
def running_stand(data_dir: Path, database_url: str, *, workers: int = 1) -> Iterator[Stand]:
    """Load the demo data, start the simulator and the gateway; stop both afterwards."""
    gw_port, reg_port, prison_port = free_port(), free_port(), free_port()
    url, registry_url = f"http://127.0.0.1:{gw_port}/", f"http://127.0.0.1:{reg_port}/"
    prison_url = f"http://127.0.0.1:{prison_port}/"
    env = environment(data_dir, database_url, GATEWAY_REGISTRY_URL=registry_url,
                      GATEWAY_PUBLIC_URL=url, GATEWAY_PRISON_REGISTRY_URL=prison_url)
    run_cli(env, "init")
    run_cli(env, "demo")
    simulator = process(["registry-sim", "--port", str(reg_port)], env, registry_url + "?wsdl",
                        data_dir / "processes.log")
    prison = process(["registry-sim", "--register", "ievp", "--port", str(prison_port)], env,
                     prison_url + "?wsdl", data_dir / "processes.log")
    with simulator, prison, gateway_process(env, gw_port, data_dir, workers=workers):
        yield Stand(url=url, registry_url=registry_url, data_dir=data_dir,
                    database_url=database_url, env=env)
