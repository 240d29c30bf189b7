"""Share codes (RULES §14): what a holder hands a verifier instead of their personal code.

A code is 21 characters drawn uniformly with :mod:`secrets` from 30 that nobody mistakes for
one another — the digits 2–9 and the letters without ``I``, ``L``, ``O`` and ``U`` — so
21 · log2(30) ≈ 103 random bits; it is shown in three groups of seven, e.g.
``K7QD3MZ-RW9AHT2-CNPFE5X``. Reading a code forgives case, spaces and hyphens. The gateway
keeps only a keyed hash of a code (HMAC-SHA256 under a key made at set-up, never in git), so a
copy of the database gives nobody a working code.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import date
from urllib.parse import urlencode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 21
GROUP = 7
BITS = LENGTH * math.log2(len(ALPHABET))
_SEPARATORS = str.maketrans("", "", " -\t")


def new_code() -> str:
    """A fresh code, 21 characters of :data:`ALPHABET` (about 103 random bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """The code as people read it: groups of seven joined by hyphens."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def parse(text: str) -> str | None:
    """The code written in ``text`` (any case, with spaces or hyphens anywhere), or ``None``
    when it cannot be one. Never raises: a verifier's typo is a wrong code, nothing more."""
    if len(text) > 4 * LENGTH:
        return None
    code = text.translate(_SEPARATORS).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def keyed_hash(key: bytes, code: str) -> str:
    """The stored form of ``code``: HMAC-SHA256 under the gateway's share key, hex."""
    return hmac.new(key, b"vpis-share\0" + code.encode("ascii"), hashlib.sha256).hexdigest()


def same_hash(stored: str, computed: str) -> bool:
    """Compare two keyed hashes in constant time."""
    return hmac.compare_digest(stored.encode("ascii"), computed.encode("ascii"))


def latest_expiry(today: date) -> date:
    """The latest last day a share made on ``today`` may have: the same date a year ahead
    (29 February → 28 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def expiry_allowed(expires_on: date, today: date) -> bool:
    """A share's last day: from today to at most one year ahead (RULES §14)."""
    return today <= expires_on <= latest_expiry(today)


def live(expires_on: date, revoked: bool, today: date) -> bool:
    """Whether a share may still be used on ``today`` (Riga date): not revoked, not expired."""
    return not revoked and today <= expires_on


VERIFY_SERVICES = ("verifyShare", "portal.verify")
"""The services through which a verifier uses a share: over X-Road and on the public page. Their
audit records are the shares' uses, and the holder's access log names their accessor a verifier."""


def link(verify_url: str, code: str, numbers: tuple[str, ...]) -> str:
    """The public verification page with the code (and the number of a one-certificate share)
    filled in: the verifier only presses "verify"."""
    query = {"code": display(code)}
    if len(numbers) == 1:
        query = {"number": numbers[0], **query}
    return f"{verify_url}?{urlencode(query)}"


def certificate_link(verify_url: str, number: str) -> str:
    """The address printed on a certificate: the page with its number; it asks for the code."""
    return f"{verify_url}?{urlencode({'number': number})}"
