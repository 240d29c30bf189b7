"""Web security of the portal: response headers, CSRF tokens, per-client rate limits shared
by every worker and instance."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from gateway.store import rate

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"


def content_security_policy(form_targets: Iterable[str]) -> str:
    """A strict policy: nothing but our own stylesheet and images; forms only to ourselves and
    the e-journals (Chromium applies ``form-action`` to the redirect after a POST too)."""
    origins = sorted({_origin(url) for url in form_targets})
    return "; ".join((
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        " ".join(["form-action 'self'", *origins]),
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(csp: str, *, https: bool) -> dict[str, str]:
    """The headers on every portal answer."""
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cache-Control": "no-store",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token (made on first use); every form carries it."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


def csrf_valid(session: MutableMapping[str, Any], submitted: str | None) -> bool:
    """Whether a POST's token is the session's (synchroniser token pattern)."""
    expected = session.get(_CSRF_KEY)
    return (isinstance(expected, str) and isinstance(submitted, str)
            and hmac.compare_digest(expected, submitted))


@dataclass(frozen=True, slots=True)
class SharedLimit:
    """At most ``limit`` events of ``scope`` per client address within ``window``, counted in
    the database (:mod:`gateway.store.rate`): every worker and instance counts together. The
    address is kept only as a keyed hash."""

    engine: Engine
    scope: str
    limit: int
    window: timedelta
    secret: bytes
    clock: Callable[[], datetime]

    def allow(self, address: str) -> bool:
        """Count one event for ``address``; whether it is within the limit."""
        key = hmac.new(self.secret, address.encode("utf-8", "replace"), "sha256").hexdigest()
        return rate.allow(self.engine, self.scope, key, self.limit, self.window, self.clock())
