"""Ordinary mistakes of an operator, as the ``gateway`` command meets them (issue 24).

Each case runs the command as a process, the way an operator does. Each is refused with ONE
line on stderr, ``gateway: <what>: <which file or setting>: <what to do>``, a non-zero exit, no
traceback, and nothing written: no database file, no keys folder, no output file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fresh_pg_schema

CODE = "140310-24716"


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``gateway ARGS`` in ``cwd``, no GATEWAY_* variable but ``env`` (an empty value: unset),
    data under cwd/var."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update({"GATEWAY_DATA_DIR": str(cwd / "var"), **env})
    environment = {k: v for k, v in environment.items() if v != ""}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        env=environment, cwd=cwd, timeout=120, check=False,
    )


def refused(done: subprocess.CompletedProcess[str], code: int, *parts: str) -> str:
    """The one line of the refusal, after checking its shape and the parts it must name."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("gateway: ") and line.count(": ") >= 3, line
    for part in parts:
        assert part in line, (part, line)
    return line


def nothing_written(cwd: Path) -> None:
    assert not (cwd / "var").exists(), sorted(p.name for p in (cwd / "var").iterdir())


def test_a_config_file_named_with_option_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "etc" / "gatway.toml"
    done = run(tmp_path, "--config", str(missing), "init", GATEWAY_DATA_DIR="")
    refused(done, 2, "configuration file not found", str(missing), "--config")
    assert not (tmp_path / "etc").exists()
    assert not (tmp_path / "var").exists()


def test_a_config_file_named_by_the_variable_that_does_not_exist_is_refused(
    tmp_path: Path
) -> None:
    done = run(tmp_path, "audit", "--person", CODE, GATEWAY_CONFIG=str(tmp_path / "nope.toml"))
    refused(done, 2, "configuration file not found", "nope.toml", "GATEWAY_CONFIG")
    assert "accesses" not in done.stdout
    nothing_written(tmp_path)


def test_a_folder_given_as_config_file_is_refused(tmp_path: Path) -> None:
    refused(run(tmp_path, "--config", str(tmp_path), "init"), 2, "is not a file")
    nothing_written(tmp_path)


def test_invalid_toml_is_refused_with_its_file(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('environment = "development"\nworkers = [\n', encoding="utf-8")
    done = run(tmp_path, "--config", str(config), "init")
    refused(done, 2, "not valid TOML", str(config))
    nothing_written(tmp_path)


def test_a_missing_import_file_is_refused_before_the_database_is_made(tmp_path: Path) -> None:
    done = run(tmp_path, "import", "missing.json")
    refused(done, 2, "import file not found", "missing.json")
    nothing_written(tmp_path)


def test_a_folder_given_as_import_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    refused(run(tmp_path, "import", "data"), 2, "import file is not a file", "data")
    nothing_written(tmp_path)


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://vpis:s3cret@127.0.0.1:1/vpis"
    for command in (["init"], ["import", __file__], ["audit", "--person", CODE]):
        done = run(tmp_path, *command, GATEWAY_DATABASE_URL=url)
        line = refused(done, 1, "database cannot be used", "127.0.0.1:1/vpis", "database_url")
        assert "s3cret" not in line
    nothing_written(tmp_path)


def test_an_unknown_database_host_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://vpis@db.invalid:5432/vpis"
    refused(run(tmp_path, "init", GATEWAY_DATABASE_URL=url), 1, "db.invalid")


def test_a_postgresql_database_without_schema_is_named_for_a_reading_command(
    tmp_path: Path
) -> None:
    with fresh_pg_schema("cli_refusal") as empty:
        done = run(tmp_path, "audit", "--person", CODE, GATEWAY_DATABASE_URL=empty)
    refused(done, 1, "no schema yet", "gateway init")


def test_a_reading_command_never_creates_an_sqlite_database(tmp_path: Path) -> None:
    done = run(tmp_path, "audit", "--person", CODE)
    refused(done, 1, "no database here yet", "gateway.db", "gateway init")
    done = run(tmp_path, "report", "--date", "2026-07-20", "--institution", "4413900133",
               "--education", "secondary", "-o", str(tmp_path / "r.xlsx"))
    refused(done, 1, "no database here yet")
    nothing_written(tmp_path)


def test_a_report_into_a_missing_folder_is_refused_before_anything_runs(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.xlsx"
    done = run(tmp_path, "report", "--date", "2026-07-20", "--institution", "4413900133",
               "--education", "secondary", "-o", str(target))
    refused(done, 2, "output folder does not exist", str(target), "-o")
    assert not target.parent.exists()
    nothing_written(tmp_path)


def test_a_report_onto_a_folder_is_refused(tmp_path: Path) -> None:
    done = run(tmp_path, "report", "--date", "2026-07-20", "--institution", "4413900133",
               "--education", "secondary", "-o", str(tmp_path))
    refused(done, 2, "output is a folder")


UNKNOWN_SERVICE = json.dumps({"getExamResultz": ["LV/GOV/90000026101/LVPORTAALS"]})


@pytest.mark.parametrize("command", [["init"], ["serve", "--port", "1"]])
def test_an_unknown_service_in_allowed_clients_stops_init_and_serve(
    tmp_path: Path, command: list[str]
) -> None:
    done = run(tmp_path, *command, GATEWAY_ALLOWED_CLIENTS=UNKNOWN_SERVICE)
    refused(done, 2, "unknown service code 'getExamResultz'", "allowed_clients", "getExamResults")
    assert not (tmp_path / "var" / "gateway.db").exists()
    assert not (tmp_path / "var" / "keys").exists()


def test_serve_refuses_a_port_in_use_at_once(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run(tmp_path, "serve", "--port", str(port))
    refused(done, 1, "cannot listen", f"127.0.0.1:{port}", "--port")
    assert not (tmp_path / "var" / "gateway.db").exists()


def test_serve_tries_the_whole_configuration_before_forking(tmp_path: Path) -> None:
    """A key file that is not there stops every worker; `serve` says so once, at once."""
    done = run(tmp_path, "serve", "--port", "1",
               GATEWAY_SIGNING__KEY_FILE=str(tmp_path / "missing.key.pem"),
               GATEWAY_SIGNING__CERTIFICATE_FILE=str(tmp_path / "missing.pem"))
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr
    assert "missing" in done.stderr.splitlines()[-1]
    assert "Booting worker" not in done.stderr


FORGING = ["missing\nFORGED line.json", "missing\rFORGED.json", "a\x1b[2Jb\x85c.json",
           "x\u2028FORGED\u2029y.json"]


@pytest.mark.parametrize("name", FORGING)
def test_a_file_name_cannot_forge_a_line_of_the_cli(tmp_path: Path, name: str) -> None:
    """The CLI's error line escapes what it quotes with the log formatter's one rule."""
    from gateway.logs import escape

    done = run(tmp_path, "import", name)
    line = refused(done, 2, "import file not found", escape(name))
    assert "\nFORGED" not in done.stderr and "\u2028" not in done.stderr
    assert done.stderr == line + "\n"


def test_a_bad_argument_cannot_forge_a_line_either(tmp_path: Path) -> None:
    done = run(tmp_path, "report", "--date", "2026-07-20\nFORGED", "--institution", "1",
               "--education", "basic", "-o", "r.xlsx")
    refused(done, 2, "report --date")
    assert not any(line.startswith("FORGED") for line in done.stderr.splitlines())


def test_verify_outside_the_checkout_says_why_the_demo_ca_is_not_found(tmp_path: Path) -> None:
    """Issue 24: run from another folder, the demo CA was "not there" with no reason given."""
    from tests.stand import REPO

    done = run(tmp_path, "verify", str(REPO / "docs" / "samples" / "getExamResults.xml"),
               GATEWAY_DATA_DIR="")
    line = refused(done, 2, "no CA certificate", "the demo CA", "--ca")
    assert "no config/gateway.toml here" in line and "--config" in line
