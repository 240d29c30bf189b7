"""The repository keeps no secrets and no run outputs (keys are made at set-up or mounted)."""

from __future__ import annotations

import subprocess

from tests.stand import REPO


def tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in done.stdout.decode().split("\0") if name]


KEY_MARKER = b"PRIVATE " + b"KEY-----"  # split, so that this file does not match itself


def test_no_private_key_is_committed() -> None:
    offenders = []
    for name in tracked():
        if name.startswith("tests/data/"):
            continue
        path = REPO / name
        if path.is_file() and KEY_MARKER in path.read_bytes():
            offenders.append(name)
    assert offenders == []


def test_no_run_output_is_committed() -> None:
    bad = [n for n in tracked() if n.startswith(("var/", ".venv/"))
           or n.endswith((".db", ".sqlite", ".p12", ".edoc", ".db-wal"))]
    assert bad == []
