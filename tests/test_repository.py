"""The repository keeps no secrets and no run outputs (keys are made at set-up or mounted)."""

from __future__ import annotations

import re
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


def test_the_demo_names_a_ready_request_for_every_sample() -> None:
    script = (REPO / "scripts" / "demo").read_text(encoding="utf-8")
    printed = script.split("cat <<MSG", 1)[1].split("\nMSG\n", 1)[0]
    samples = sorted(p.name for p in (REPO / "docs" / "samples").glob("*.xml"))
    assert len(samples) >= 6  # one per operation: tests/soap/test_samples.py
    for name in samples:
        assert f"docs/samples/{name}" in printed, name
    for path in re.findall(r"@?(docs/samples/[\w.]+)", printed):
        assert (REPO / path).is_file(), path
    assert "> var/answer.xml" in printed and "verify var/answer.xml" in printed


def test_what_the_demo_and_readme_write_is_ignored() -> None:
    for name in ("var/answer.xml", "answer.xml", "var/keys/ca.pem"):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO, check=False)
        assert done.returncode == 0, name
