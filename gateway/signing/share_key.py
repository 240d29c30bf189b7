"""The key of the share codes' keyed hashes (RULES §14) and of the verification guard's
client hashes: 32 random bytes in a file, made at set-up, never in git.

``share_key_file`` in the settings names it (``gateway init`` makes it when it is missing);
without it the key is ``<data_dir>/share-code.key`` (beside the database, not among the
signing keys), made by ``gateway init`` or on first use (the file created exclusively, so
that concurrent workers end up reading the same key).
Every instance on one database must read the same key, or the codes made by one would not
verify on another.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gateway.errors import ConfigurationError

KEY_BYTES = 32


def share_key_path(configured: Path | None, data_dir: Path) -> Path:
    return configured or data_dir / "share-code.key"


def ensure_share_key(configured: Path | None, data_dir: Path) -> Path:
    """Make the key file (configured or default) unless it exists: ``gateway init``'s step."""
    path = share_key_path(configured, data_dir)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
    return path


def share_key_exists(configured: Path | None, data_dir: Path) -> bool:
    return share_key_path(configured, data_dir).exists()


def load_share_key(configured: Path | None, data_dir: Path) -> bytes:
    """The share key: the configured file (which must exist), or the one under ``data_dir``
    (made on first use)."""
    path = share_key_path(configured, data_dir)
    if configured is None:
        ensure_share_key(None, data_dir)
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"share_key_file: cannot read {path} ({exc.strerror})") from None
    if len(key) < KEY_BYTES:
        raise ConfigurationError(f"share_key_file: {path} holds fewer than {KEY_BYTES} bytes")
    return key
