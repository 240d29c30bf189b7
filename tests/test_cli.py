"""The ``gateway`` command as an operator runs it: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def gateway(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update({"GATEWAY_DATA_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120,
        check=False,
    )


def test_demo_loads_the_bundled_data(tmp_path: Path) -> None:
    done = gateway(tmp_path, "demo")
    assert done.returncode == 0, done.stderr
    assert "persons 302 (302 new or changed)" in done.stdout
    assert (tmp_path / "var" / "gateway.db").exists()
    again = gateway(tmp_path, "demo")
    assert "persons 302 (0 new or changed)" in again.stdout


def test_import_refuses_a_bad_file_with_a_precise_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"persons": [{"personal_code": "010108-21239", "given_name": "A", '
                   '"family_name": "B"}]}', encoding="utf-8")
    done = gateway(tmp_path, "import", str(bad))
    assert done.returncode == 1
    assert "persons[0], field 'personal_code': not a valid personal code" in done.stderr
    assert "Traceback" not in done.stderr


def test_unsafe_settings_stop_the_command(tmp_path: Path) -> None:
    done = gateway(tmp_path, "init", GATEWAY_DATABASE_URL="mysql://root@localhost/vpis")
    assert done.returncode == 2
    assert "database_url" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["init", "import", "demo", "registry-sim"])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    done = gateway(tmp_path, command, "--help")
    assert done.returncode == 0
    assert "usage: gateway" in done.stdout
