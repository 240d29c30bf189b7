"""The systemd units of ``deploy/systemd/`` (docs/OPERATIONS.md, "systemd"): valid for systemd
(``systemd-analyze verify``) and hardened as production wants.

``systemd-analyze verify`` checks each unit against a root of its own (``--root``): the
machine's own unit files (the targets the units name), the units where an operator installs
them, and the one program they run, ``/opt/vpis/venv/bin/gateway``, as an executable stub. So
neither the CI machine's users nor its paths matter, and nothing outside the test's folder is
touched.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.stand import REPO

UNITS = REPO / "deploy" / "systemd"
SYSTEM_UNITS = Path("/usr/lib/systemd/system")
ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
GATEWAY = "/opt/vpis/venv/bin/gateway"
SIMULATORS = ("vpis-registry-sim", "vpis-prison-sim", "vpis-ejournal-sim", "vpis-pki-sim")

pytestmark = pytest.mark.skipif(  # in CI (CI set, as .ci/run does) a missing tool fails
    not os.environ.get("CI") and (not Path(ANALYZE).exists() or not SYSTEM_UNITS.is_dir()),
    reason="needs systemd-analyze and /usr/lib/systemd/system (Debian package systemd)",
)


def verify(tmp_path: Path, units: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``systemd-analyze verify`` of ``units`` (name → text) in a root of their own."""
    root = tmp_path / "root"
    system = root / "usr" / "lib" / "systemd" / "system"
    system.mkdir(parents=True)
    for unit in SYSTEM_UNITS.iterdir():  # the targets; aliases (symlinks) are not needed
        if unit.is_file() and not unit.is_symlink():
            shutil.copy2(unit, system / unit.name)
    installed = root / "etc" / "systemd" / "system"
    installed.mkdir(parents=True)
    for name, text in units.items():
        (installed / name).write_text(text, encoding="utf-8")
    program = root / GATEWAY.lstrip("/")
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    return subprocess.run(
        [ANALYZE, "verify", f"--root={root}", *sorted(units)], cwd=installed,
        capture_output=True, text=True, timeout=120, check=False,
    )


def shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(UNITS.glob("*.service"))}


def test_the_units_are_shipped() -> None:
    assert set(shipped()) == {"vpis-gateway.service", *(f"{s}.service" for s in SIMULATORS)}


def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    done = verify(tmp_path, shipped())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "" and done.stderr.strip() == "", done.stdout + done.stderr


@pytest.mark.parametrize(("old", "new", "says"), [
    ("NoNewPrivileges=yes", "NoNewPrivilegs=yes", "Unknown key"),
    (f"ExecStart={GATEWAY}", "ExecStart=/opt/vpis/venv/bin/gatway", "not executable"),
])
def test_the_check_fails_on_a_broken_unit(tmp_path: Path, old: str, new: str, says: str) -> None:
    """The verification above is not a formality: a misspelt key or program is caught."""
    units = shipped()
    units["vpis-gateway.service"] = units["vpis-gateway.service"].replace(old, new, 1)
    done = verify(tmp_path, units)
    assert says in done.stdout + done.stderr


def service(name: str) -> dict[str, list[str]]:
    """The [Service] section of a shipped unit: each key with all its values."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in (UNITS / f"{name}.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "Service" and line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


HARDENING = {"ProtectSystem": "strict", "NoNewPrivileges": "yes", "ProtectHome": "yes",
             "PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "",
             "RestrictSUIDSGID": "yes", "SystemCallFilter": "@system-service"}


@pytest.mark.parametrize("name", ["vpis-gateway", *SIMULATORS])
def test_every_unit_is_hardened(name: str) -> None:
    values = service(name)
    for key, value in HARDENING.items():
        assert values.get(key) == [value], (name, key, values.get(key))
    assert values["ExecStart"][0].startswith(f"{GATEWAY} ")


def test_the_gateway_runs_as_its_own_user_writing_only_its_data_directory() -> None:
    values = service("vpis-gateway")
    assert values["User"] == ["vpis"] and values["Group"] == ["vpis"]
    assert values["ReadWritePaths"] == ["/var/lib/vpis"]
    assert values["StateDirectory"] == ["vpis"]
    assert "GATEWAY_DATA_DIR=/var/lib/vpis" in values["Environment"]
    assert "GATEWAY_ENVIRONMENT=production" in values["Environment"]
    assert values["ExecStartPre"] == [f"{GATEWAY} init"]
    assert values["ExecStart"][0].startswith(f"{GATEWAY} serve")
    assert values["KillMode"] == ["mixed"] and values["Restart"] == ["always"]


def test_the_gateways_secrets_come_from_credentials_and_an_environment_file() -> None:
    values = service("vpis-gateway")
    assert values["EnvironmentFile"] == ["/etc/vpis/gateway.env"]
    credentials = dict(v.split(":", 1) for v in values["LoadCredential"])
    assert set(credentials) == {"signing.key", "eseal.key"}
    assert "GATEWAY_SIGNING__KEY_FILE=%d/signing.key" in values["Environment"]
    assert "GATEWAY_SIGNING__ESEAL_KEY_FILE=%d/eseal.key" in values["Environment"]
    # no secret written into the unit itself
    assert not [v for v in values["Environment"] if "DATABASE_URL" in v or "SECRET" in v]


@pytest.mark.parametrize("name", SIMULATORS)
def test_the_simulators_are_for_a_test_stand_only(name: str) -> None:
    values = service(name)
    assert values["DynamicUser"] == ["yes"]
    assert "GATEWAY_ENVIRONMENT=development" in values["Environment"]
    assert "TEST STAND" in (UNITS / f"{name}.service").read_text(encoding="utf-8")


def test_the_units_parse_as_ini() -> None:
    for name, text in shipped().items():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read_string(text, source=name)
        assert {"Unit", "Service", "Install"} <= set(parser.sections())
