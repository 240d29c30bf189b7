"""The ``gateway`` command as an operator runs it: a real process, real files."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.cli import build_parser

REPO = Path(__file__).resolve().parent.parent


def gateway(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update({"GATEWAY_DATA_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120,
        check=False,
    )


def bare_gateway(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``gateway ARGS`` run in ``cwd`` with no GATEWAY_* variable but ``env``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True, text=True, env=environment, cwd=cwd, timeout=120, check=False,
    )


def test_demo_loads_the_bundled_data(tmp_path: Path) -> None:
    done = gateway(tmp_path, "demo")
    assert done.returncode == 0, done.stderr
    assert "persons 302 (302 new or changed)" in done.stdout
    assert (tmp_path / "var" / "gateway.db").exists()
    again = gateway(tmp_path, "demo")
    assert "persons 302 (0 new or changed)" in again.stdout
    # the summary once, not again in a log line (issue 24)
    assert (again.stdout + again.stderr).count("persons 302") == 1, again.stderr


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


@pytest.mark.parametrize(
    "command", ["init", "import", "demo", "registry-sim", "serve", "audit", "verify"]
)
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    done = gateway(tmp_path, command, "--help")
    assert done.returncode == 0
    assert "usage: gateway" in done.stdout


def test_every_option_says_what_it_is_for() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parsers = {"gateway": parser, **subparsers.choices}
    undocumented = [
        f"{name} {action.dest}"
        for name, each in parsers.items()
        for action in each._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and not action.help
    ]
    assert undocumented == []
    assert all(choice.help for choice in subparsers._choices_actions)


def test_the_help_says_what_the_command_is_for(tmp_path: Path) -> None:
    done = gateway(tmp_path, "--help")
    assert done.returncode == 0
    assert "X-Road services EP181" in done.stdout
    assert "--config" in done.stdout
    assert "entry point where settings are built" not in done.stdout  # the developer docstring
    for command in ("init", "import", "demo", "serve", "audit", "verify", "registry-sim"):
        assert command in done.stdout


def test_data_dir_is_relative_to_the_config_file_not_the_working_directory(
    tmp_path: Path,
) -> None:
    config = tmp_path / "etc" / "gateway.toml"
    config.parent.mkdir()
    config.write_text('data_dir = "state"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = bare_gateway(elsewhere, "--config", "../etc/gateway.toml", "init")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "etc" / "state" / "gateway.db").is_file()
    assert (tmp_path / "etc" / "state" / "keys" / "ca.pem").is_file()
    assert list(elsewhere.iterdir()) == []
    by_variable = bare_gateway(elsewhere, "demo", GATEWAY_CONFIG=str(config))
    assert by_variable.returncode == 0, by_variable.stderr
    assert str(tmp_path / "etc" / "state" / "gateway.db") in by_variable.stdout
    assert list(elsewhere.iterdir()) == []


def test_only_init_and_serve_make_keys(tmp_path: Path) -> None:
    answer = tmp_path / "answer.xml"
    answer.write_bytes(b"<x/>")
    for args in (["demo"], ["audit", "--person", "140310-24716"], ["verify", str(answer)]):
        done = gateway(tmp_path, *args)
        assert "Traceback" not in done.stderr, args
        assert not (tmp_path / "var" / "keys").exists(), args
    done = gateway(tmp_path, "verify", str(answer))
    assert done.returncode == 2
    assert f"no CA certificate: {tmp_path / 'var' / 'keys' / 'ca.pem'}" in done.stderr
    assert "gateway init" in done.stderr and "--ca" in done.stderr
    assert gateway(tmp_path, "init").returncode == 0
    assert (tmp_path / "var" / "keys" / "ca.pem").is_file()


def test_a_bad_personal_code_says_what_is_wrong(tmp_path: Path) -> None:
    done = gateway(tmp_path, "audit", "--person", "140310-24717")
    assert done.returncode == 2
    assert "not a valid personal code (check digit): audit --person" in done.stderr
    assert "DDMMYY-CNNNX" in done.stderr
    assert "140310-24717" not in done.stderr  # not echoed


def test_audit_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from gateway.store.db import create_engine_from_url, upgrade
    from gateway.store.models import AuditRecord

    (tmp_path / "var").mkdir(exist_ok=True)
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'var' / 'gateway.db'}")
    upgrade(engine)
    with engine.begin() as conn:  # more lines than a pipe buffers
        conn.execute(insert(AuditRecord), [
            {"at": datetime(2026, 1, 1, tzinfo=UTC), "service": "getExamResults",
             "requester_code": "14031024716", "subject_code": "14031024716",
             "outcome": "allowed", "message_id": f"m{i}", "client": "LV/GOV/1/X",
             "reason": None, "documents": None}
            for i in range(2000)])
    engine.dispose()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment["GATEWAY_DATA_DIR"] = str(tmp_path / "var")
    child = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "audit", "--person", "140310-24716"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, cwd=tmp_path,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"accesses to the data of")
    child.stdout.close()  # as `head -1` does
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert "BrokenPipeError" not in stderr and "Traceback" not in stderr
