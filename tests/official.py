"""Where the official X-Road schemas are, for the tests comparing our contracts with them.

The schemas are not ours to commit (X-Road message protocol v4.0: ``xroad.xsd``, which imports
``identifiers.xsd`` and ``xml.xsd`` beside it). They are looked for in ``GATEWAY_XROAD_SCHEMAS``
or, by default, in ``../shared/reference/xroad/`` beside the clone. Without them the comparisons
skip and say what to provide; in CI (``CI`` set) they must be there, and a missing file fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "reference" / "xroad"
REQUIRED_FILES = ("xroad.xsd", "identifiers.xsd", "xml.xsd")
"""The official files the comparisons load (``xroad.xsd`` imports the other two)."""


def official_xroad_dir() -> Path:
    """The directory the official schemas are looked for in."""
    named = os.environ.get("GATEWAY_XROAD_SCHEMAS")
    return Path(named) if named else DEFAULT_DIR


def require_official_xroad() -> Path:
    """The directory holding the official schemas; skip (fail in CI) when a file is missing."""
    directory = official_xroad_dir()
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        reason = (
            f"the official X-Road v4.0 schemas are not in {directory} (missing: "
            f"{', '.join(missing)}); provide {', '.join(REQUIRED_FILES)} there, or name their "
            "directory in GATEWAY_XROAD_SCHEMAS, to compare our contracts with them"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {reason}")
        pytest.skip(reason)
    return directory
