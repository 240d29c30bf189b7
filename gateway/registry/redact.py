"""Pseudonyms for personal codes in logs (RULES §7: never a personal code at INFO or above).

A pseudonym is a short keyed hash: stable within one process, so that the lines about one person
can be followed, and useless outside it, because the key is random per process and never leaves
memory (an unkeyed hash of an 11-digit code is reversed by trying all codes).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_KEY = secrets.token_bytes(32)


def pseudonym(digits: str) -> str:
    """A short, per-process keyed hash of a personal code, fit for logs at any level."""
    return "p:" + hmac.new(_KEY, digits.encode("ascii"), hashlib.sha256).hexdigest()[:10]
