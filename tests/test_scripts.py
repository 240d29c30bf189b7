"""The two commands' own behaviour: what bootstrap and scripts/test print to a newcomer."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.stand import REPO

FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for python3: passes the version check; `-m venv DIR` makes a fake DIR/bin/python
# whose "pip" (and DIR/bin/uv) prints what a noisy pip prints and exits with $FAKE_PIP_RC.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    cat > "$3/bin/python" <<'PY'
#!/usr/bin/env bash
for i in $(seq 1 60); do
    echo "WARNING: Location 'file:///opt/x/simple/p$i/' is ignored" >&2
done
echo "ERROR: no matching distribution (simulated)" >&2
exit "${FAKE_PIP_RC:-0}"
PY
    chmod +x "$3/bin/python"
    cp "$3/bin/python" "$3/bin/uv"  # the installer bootstrap installs with pip, as noisy
fi
exit 0
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "bootstrap", tmp_path / "scripts" / "bootstrap")
    for name in ("pyproject.toml", "setup.py", "requirements-dev.lock",
                 "requirements-bootstrap.lock"):  # bootstrap's stamp
        shutil.copy2(REPO / name, tmp_path / name)
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(0o755)
    return tmp_path


def bootstrap(checkout: Path, rc: int) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=str(checkout / "fake-python"), FAKE_PIP_RC=str(rc))
    return subprocess.run(["bash", str(checkout / "scripts" / "bootstrap")], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_bootstrap_keeps_pips_warnings_in_a_log(checkout: Path) -> None:
    done = bootstrap(checkout, 0)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    assert len(done.stderr.splitlines()) <= 3, done.stderr
    assert "WARNING: Location" in (checkout / ".venv" / "bootstrap.log").read_text()
    assert list(checkout.glob(".venv/.installed-*"))


def test_bootstrap_shows_the_log_when_pip_fails(checkout: Path) -> None:
    done = bootstrap(checkout, 1)
    assert done.returncode == 1
    assert "the installation failed" in done.stderr
    assert "ERROR: no matching distribution (simulated)" in done.stderr
    assert not list(checkout.glob(".venv/.installed-*"))  # tried again next time


def pg_label(url: str | None) -> str:
    script = (REPO / "scripts" / "test").read_text(encoding="utf-8")
    function = script[script.index("pg_label() {"):]
    function = function[: function.index("\n}\n") + 3]
    env = {k: v for k, v in os.environ.items() if k != "GATEWAY_TEST_DATABASE_URL"}
    if url is not None:
        env["GATEWAY_TEST_DATABASE_URL"] = url
    done = subprocess.run(["bash", "-c", f"set -euo pipefail\n{function}pg_label"], env=env,
                          capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def test_the_test_command_says_plainly_whether_postgresql_runs() -> None:
    assert pg_label(None) == "no"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert pg_label(url) == f"yes, {url}"
    assert pg_label("postgresql+psycopg://gw:s3cret@db:5432/t") == (
        "yes, postgresql+psycopg://gw:***@db:5432/t")


PYTHON_312 = """#!/usr/bin/env bash
# Stands in for a Python 3.12: says so, and fails the version check; records any other use.
if [ "$1" = "--version" ]; then echo "Python 3.12.3"; exit 0; fi
if [ "$1" = "-c" ]; then exit 1; fi
echo "$@" >> "$(dirname "$0")/used"
exit 0
"""


def test_bootstrap_wants_exactly_python_311_and_says_why_before_installing(
    checkout: Path
) -> None:
    """Issue 24: "3.11 or newer" passed 3.12, which failed 40 s later (spyne 2.14)."""
    fake = checkout / "python312"
    fake.write_text(PYTHON_312, encoding="utf-8")
    fake.chmod(0o755)
    env = dict(os.environ, PYTHON=str(fake))
    started = time.monotonic()
    done = subprocess.run(["bash", str(checkout / "scripts" / "bootstrap")], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert time.monotonic() - started < 10
    assert "Python 3.11 is needed, found Python 3.12.3" in done.stderr
    assert "spyne 2.14" in done.stderr and "#700" in done.stderr
    assert "PYTHON=" in done.stderr
    assert not (checkout / ".venv").exists()
    assert not (checkout / "used").exists()  # no venv made, no pip run
