"""Processes an operator starts and stops (issue 24): ``gateway serve`` and ``scripts/demo``.

Real signals, sent as a terminal sends them: to the whole process group (Ctrl-C: SIGINT, a
closed terminal: SIGHUP, a supervisor: SIGTERM). Afterwards no process of the group is left,
the ports are free again, and no traceback was printed. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.stand import REPO, free_port

STOP_SIGNALS = [signal.SIGHUP, signal.SIGINT, signal.SIGTERM]
NOISE = ("Traceback", "Exception ignored", "was sent SIG", "race condition", "Exception during")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_until_ready(url: str, child: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, f"exited with {child.returncode} before {url} answered"
        if answers(url):
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_empty_group(pgid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(pgid), f"processes of group {pgid} still run after {seconds} s"


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update({"GATEWAY_DATA_DIR": str(data_dir), **extra})
    return env


@contextmanager
def session(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``args`` as the leader of a new session and process group, as from a terminal; killed
    (the whole group) should the test fail before it stopped it."""
    with log.open("wb") as out:
        child = subprocess.Popen(args, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, preexec_fn=_as_from_a_terminal)
    try:
        yield child
    finally:
        if child.poll() is None or group_alive(child.pid):
            with suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=10)


def _as_from_a_terminal() -> None:
    """In the child, before it runs: every stop signal at its default and none blocked, as a
    shell on a terminal starts a job, whatever the test run itself inherited (a shell cannot
    trap a signal ignored at its start). Two clean-clone runs started as background jobs failed
    three Ctrl-C tests (the demo exited 0 instead of 130, or ran on 30 s after SIGINT), as a
    SIGINT ignored or blocked in the test process would make them; with this they passed."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def stop_with(child: subprocess.Popen[bytes], sig: signal.Signals, seconds: float) -> int:
    """Send ``sig`` to the child's whole process group; its exit status, within ``seconds``."""
    os.killpg(child.pid, sig)
    try:
        return child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {seconds} s after {sig.name}") from None


def serve_once(tmp_path: Path, sig: signal.Signals, *, booted: bool = True) -> None:
    """``gateway serve`` with two workers, stopped by ``sig`` to its whole group once both
    workers have built their application (``booted``), or else as soon as the first answers
    (the second is then often still building its own)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = tmp_path / f"serve-{sig.name}.log"
    args = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), "--workers", "2"]
    with session(args, clean_env(tmp_path / "var"), log) as child:
        wait_until_ready(f"http://127.0.0.1:{port}/healthz", child, 60)
        deadline = time.monotonic() + 60
        while booted and log.read_text(errors="replace").count("Initializing application") < 3:
            assert time.monotonic() < deadline, "the workers did not finish booting"
            time.sleep(0.1)
        started = time.monotonic()
        code = stop_with(child, sig, 30)
        wait_for_empty_group(child.pid, 10)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text
    assert not [word for word in NOISE if word in text], text
    assert "Shutting down: Master" in text
    assert port_free(port)
    # well inside the master's graceful timeout (10 s), after which it kills a deaf worker
    assert time.monotonic() - started < 8, text


@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda s: s.name)
def test_serve_stops_cleanly_on_each_signal(tmp_path: Path, sig: signal.Signals) -> None:
    """SIGHUP no longer means gunicorn's "reload": a closed terminal leaves no orphan on the
    port. SIGINT to the whole group (Ctrl-C) used to print, about one run in three, a
    traceback from a worker whose exit the master's SIGQUIT interrupted."""
    serve_once(tmp_path, sig)


def test_serve_stops_cleanly_on_ctrl_c_again_and_again(tmp_path: Path) -> None:
    """The flaky case of before, repeated (GATEWAY_TEST_SIGINT_RUNS, default 3)."""
    for run in range(int(os.environ.get("GATEWAY_TEST_SIGINT_RUNS", "3"))):
        serve_once(tmp_path / str(run), signal.SIGINT)


def test_ctrl_c_while_a_worker_still_loads_stops_it_cleanly(tmp_path: Path) -> None:
    """Ctrl-C as soon as the first worker answers: the other is often still building its
    application (it leaves at once), and the first has just handed its first connections to
    its thread pool — where gunicorn's gthread handler deadlocked on the pool's lock about one
    time in ten, until the master killed the worker after the graceful timeout."""
    for run in range(int(os.environ.get("GATEWAY_TEST_SIGINT_RUNS", "3"))):
        serve_once(tmp_path / str(run), signal.SIGINT, booted=False)


# --- scripts/demo ---------------------------------------------------------------------------

PORT_VARIABLES = ("GATEWAY_PORT", "REGISTRY_PORT", "EJOURNAL_PORT", "PRISON_PORT", "PKI_PORT")


def demo_env(data_dir: Path) -> tuple[dict[str, str], dict[str, int]]:
    ports = {name: free_port() for name in PORT_VARIABLES}
    env = clean_env(data_dir, **{name: str(port) for name, port in ports.items()})
    return env, ports


def demo_logs(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.log"))}


def test_a_second_demo_leaves_the_first_and_its_logs_untouched(tmp_path: Path) -> None:
    data = tmp_path / "var"
    env, ports = demo_env(data)
    with session([str(REPO / "scripts" / "demo")], env, tmp_path / "first.log") as first:
        wait_until_ready(f"http://127.0.0.1:{ports['GATEWAY_PORT']}/healthz", first, 120)
        logs = demo_logs(data)
        database = (data / "gateway.db").stat().st_mtime_ns
        assert set(logs) >= {"registry-sim.log", "ejournal-sim.log", "prison-sim.log"}
        second = subprocess.run([str(REPO / "scripts" / "demo")], env=env, cwd=REPO,
                                capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 1, second.stderr
        assert "in use" in second.stderr and "GATEWAY_PORT" in second.stderr
        assert "Traceback" not in second.stderr
        assert demo_logs(data) == logs
        assert (data / "gateway.db").stat().st_mtime_ns == database
        assert first.poll() is None
        assert answers(f"http://127.0.0.1:{ports['GATEWAY_PORT']}/healthz")
        stop_with(first, signal.SIGTERM, 30)
        wait_for_empty_group(first.pid, 20)


def test_the_demo_refuses_one_taken_port_before_writing_anything(tmp_path: Path) -> None:
    data = tmp_path / "var"
    env, _ports = demo_env(data)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        env["EJOURNAL_PORT"] = str(taken.getsockname()[1])
        done = subprocess.run([str(REPO / "scripts" / "demo")], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert f"{env['EJOURNAL_PORT']} (EJOURNAL_PORT)" in done.stderr
    assert not data.exists()


@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda s: s.name)
def test_the_demo_stops_everything_on_each_signal(tmp_path: Path, sig: signal.Signals) -> None:
    data = tmp_path / "var"
    env, ports = demo_env(data)
    log = tmp_path / "demo.log"
    with session([str(REPO / "scripts" / "demo")], env, log) as demo:
        wait_until_ready(f"http://127.0.0.1:{ports['GATEWAY_PORT']}/healthz", demo, 120)
        code = stop_with(demo, sig, 40)
        wait_for_empty_group(demo.pid, 20)
    assert code == 128 + sig, log.read_text(encoding="utf-8", errors="replace")
    assert all(port_free(port) for port in ports.values())
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("moment", ["gateway init", "gateway demo"])
def test_ctrl_c_during_start_up_stops_the_demo_non_zero(tmp_path: Path, moment: str) -> None:
    """Ctrl-C while the database is made or the demo data loaded: nothing goes on to start."""
    data = tmp_path / "var"
    env, ports = demo_env(data)
    log = tmp_path / "demo.log"
    with session([str(REPO / "scripts" / "demo")], env, log) as demo:
        deadline = time.monotonic() + 60
        while not _running(demo.pid, moment) and time.monotonic() < deadline:
            assert demo.poll() is None
            time.sleep(0.02)
        assert _running(demo.pid, moment), f"never saw {moment}"
        code = stop_with(demo, signal.SIGINT, 30)
        wait_for_empty_group(demo.pid, 20)
    assert code == 130
    assert not (data / "registry-sim.log").exists()
    assert all(port_free(port) for port in ports.values())


def _running(pgid: int, command: str) -> bool:
    """Whether a process of group ``pgid`` runs ``… gateway COMMAND``."""
    word = command.split()[-1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (ProcessLookupError, OSError):
            continue
        if any(a.endswith(b"/gateway") for a in argv) and word.encode() in argv:
            return True
    return False
