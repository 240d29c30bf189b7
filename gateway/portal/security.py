"""Web security of the portal: response headers, CSRF tokens, per-client rate limits."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

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


class RateLimiter:
    """At most ``limit`` events per key within ``window`` seconds (sliding window), in this
    process. ``max_keys`` bounds memory: the oldest key is forgotten first."""

    def __init__(self, limit: int, window: float, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; whether it is within the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events  # re-inserted: most recent last
            while len(self._events) > self.max_keys:
                self._events.pop(next(iter(self._events)))
            return allowed
