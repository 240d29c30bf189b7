"""The portal's session cookie, sealed: encrypted and authenticated (Fernet: AES-128-CBC with
HMAC-SHA256), so the personal code it carries cannot be read from the browser's storage, and a
changed or expired cookie is an empty session.

Flask's cookie session does everything else (cookie flags, refresh, deletion); only the
serializer differs from its signed-but-readable default. The key is derived from
``portal.secret_key`` with HKDF-SHA256.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature


class Sealer:
    """``dumps``/``loads`` as Flask's cookie session calls them."""

    def __init__(self, secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vpis-portal-session",
                   info=b"fernet").derive(secret.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._json = TaggedJSONSerializer()

    def dumps(self, value: Any) -> str:
        return self._fernet.encrypt(self._json.dumps(value).encode("utf-8")).decode("ascii")

    def loads(self, value: str, max_age: int | None = None) -> Any:
        try:
            plain = self._fernet.decrypt(value.encode("ascii"), ttl=max_age)
            return self._json.loads(plain.decode("utf-8"))
        except (InvalidToken, UnicodeError, ValueError):
            raise BadSignature("not a sealed session of ours") from None


class SealedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session with :class:`Sealer` as its serializer."""

    def get_signing_serializer(self, app: Flask) -> Sealer | None:  # type: ignore[override]
        if not app.secret_key:
            return None
        return Sealer(str(app.secret_key))
