"""Where a worker's CPU goes: py-spy samples of a gateway worker under load, summed by part.

``sample(pid, seconds, out)`` runs ``py-spy record`` (a PyPI package: ``pip install py-spy``;
it reads the process from outside, the worker runs unchanged) and writes collapsed stacks;
``summary(paths)`` gives each part's share of the samples. A sample belongs to the part of the
innermost frame that matches one, so the shares add up to 100 %: signing inside the answer
builder counts as signing, the driver's time as the driver's. ``summary(paths, ours=True)``
gives it to the gateway's own code that called: the driver's time inside the audit writer
counts as the audit. py-spy samples threads that are not idle; a thread waiting for
PostgreSQL's answer inside psycopg counts as busy, so on PostgreSQL the shares are closer to
wall time than to CPU.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

# (part, pattern on a frame's file), innermost match wins; the order breaks no ties.
PARTS = (
    ("sign the answer (XMLDSig, RSA/ECDSA)", r"gateway/signing/|cryptography/"),
    ("audit record and its commit", r"gateway/store/(audit|group_commit)\.py"),
    ("register client (cache, lean call)", r"gateway/registry/|urllib3/"),
    ("database driver (SQLite/psycopg)", r"sqlite3/|psycopg/|psycopg_binary/"),
    ("SQLAlchemy (statements, rows, pool)", r"sqlalchemy/"),
    ("store queries (ours)", r"gateway/store/"),
    ("request parse and checks (XML, X-Road, schema)",
     r"gateway/xmlsafe\.py|gateway/soap/(envelope|xroad|requests|contract)\.py|gateway/xroad\.py"
     r"|lxml/"),
    ("answer build (lxml)", r"gateway/soap/(adapters|payloads)"),
    ("service and rules", r"gateway/services/|gateway/domain/"),
    ("spyne dispatch", r"spyne/|gateway/soap/(dispatch|app|operations?)\.py"),
    ("metrics and logs", r"prometheus_client/|gateway/metrics\.py|logging/|gateway/logs\.py"),
    ("gunicorn and HTTP", r"gunicorn/|http/|socket|selectors|ssl|threading\.py|concurrent/"
     r"|queue\.py|gateway/serve\.py|werkzeug/"),
)
# py-spy names files relative to their sys.path entry: "sqlalchemy/engine/base.py".
_COMPILED = tuple((part, re.compile(rf"(^|/)({pattern})")) for part, pattern in PARTS)
_FRAME_FILE = re.compile(r"\(([^()]*):\d+\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"  # installed into the same environment
    return str(beside) if beside.exists() else shutil.which("py-spy")


def available() -> bool:
    return _py_spy() is not None


def sample(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    """Start sampling ``pid`` for ``seconds`` into ``out`` (collapsed stacks); wait on it."""
    return subprocess.Popen(
        [_py_spy() or "py-spy", "record", "--pid", str(pid), "--duration", str(seconds),
         "--rate", "250", "--format", "raw", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _part(stack: str, *, ours: bool = False) -> str:
    """The part of the innermost frame that matches one; with ``ours``, of the innermost frame
    of the gateway's own code (a library's time counts for the gateway code that called it)."""
    for frame in reversed(stack.split(";")):
        found = _FRAME_FILE.search(frame)
        if found is None or (ours and not found.group(1).startswith("gateway/")):
            continue
        for part, pattern in _COMPILED:
            if pattern.search(found.group(1)):
                return part
    return "outside the gateway's code (HTTP server, idle)" if ours else "other"


def summary(paths: list[Path], *, ours: bool = False) -> list[tuple[str, float]]:
    """Each part's share of all samples in ``paths``, largest first (``ours``: by the
    gateway's own code that the time was spent for, see :func:`_part`)."""
    counts: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, number = line.rpartition(" ")
            if stack and number.isdigit():
                counts[_part(stack, ours=ours)] += int(number)
    total = sum(counts.values()) or 1
    return [(part, n / total) for part, n in counts.most_common()]
