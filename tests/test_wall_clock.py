"""No test depends on the wall clock's year: end-to-end tests pass ten years from now.

The demo data and the test people are fixed on the demo's today, and the test stand starts the
gateway's clock on it (``tests/stand.py``). This runs a sample of the end-to-end tests (EP181,
EP226, enumeration, audit: the ones whose answers hinge on ages and publication dates) and the
demo data tests in a child pytest under libfaketime (Debian package ``faketime``) with every
clock of the process tree moved ten years ahead, the gateway, the register simulator and
xmlsec1 included. A test or a code path that reads the real date where it should read the
demo's fails there (without the stand's fixed clock, 14 of these tests fail).

SQLite only: libfaketime moves the clocks of our processes, not a PostgreSQL server's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.stand import REPO

pytestmark = pytest.mark.slow

SAMPLE = ("tests/soap/test_ep181.py", "tests/soap/test_ep226.py",
          "tests/soap/test_enumeration.py", "tests/soap/test_audit.py", "tests/demo")
TEN_YEARS = "+3653d"


def test_end_to_end_tests_pass_ten_years_from_now(tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    assert faketime, "faketime is missing: run scripts/system-packages"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATEWAY_", "COV_", "PYTEST_"))}
    probe = subprocess.run([faketime, "-f", TEN_YEARS, sys.executable, "-c",
                            "import datetime; print(datetime.date.today().year)"],
                           env=env, capture_output=True, text=True, timeout=60, check=True)
    # The real year, read only to prove that the shift took effect.
    assert int(probe.stdout) >= date.today().year + 9
    done = subprocess.run(
        [faketime, "-f", TEN_YEARS, sys.executable, "-m", "pytest", "-q", "-p",
         "no:cacheprovider", "--no-cov", f"--basetemp={tmp_path / 'child'}", *SAMPLE],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    tail = "\n".join(done.stdout.splitlines()[-30:])
    assert done.returncode == 0, f"under faketime {TEN_YEARS}:\n{tail}\n{done.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail
