"""The key of the share codes' keyed hashes (RULES §14) and of the verification guard's
client hashes: 32 random bytes in a file, made at set-up, never in git.

``share_key_file`` in the settings names it; without it the key is ``<data_dir>/keys/
share-code.key``, made on first use (with the file created exclusively, so that concurrent
workers end up reading the same key). Every instance on one database must read the same key,
or the codes made by one would not verify on another.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gateway.errors import ConfigurationError

KEY_BYTES = 32


def share_key_path(configured: Path | None, data_dir: Path) -> Path:
    return configured or data_dir / "keys" / "share-code.key"


def load_share_key(configured: Path | None, data_dir: Path) -> bytes:
    """The share key: the configured file, or the generated one under ``data_dir``."""
    path = share_key_path(configured, data_dir)
    if configured is None and not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"share_key_file: cannot read {path} ({exc.strerror})") from None
    if len(key) < KEY_BYTES:
        raise ConfigurationError(f"share_key_file: {path} holds fewer than {KEY_BYTES} bytes")
    return key
