"""Latvian personal codes (RULES §1).

A personal code is 11 ASCII digits, written with or without a hyphen after the sixth.

* Old format (issued until 30 June 2017): ``DDMMYY-CNNNX``; ``DDMMYY`` is the birth date,
  ``C`` the century (0 = 1800s, 1 = 1900s, 2 = 2000s) and ``X`` a check digit.
* New format (from 1 July 2017): first digit ``3``, second ``2``–``9``, the rest random; no
  birth date and no enforced check digit.

Python's ``int()``, ``str.isdigit()`` and the regex ``\\d`` all accept non-ASCII digits
(full-width, Arabic-Indic, …), so raw input is matched only against explicit ASCII classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gateway.errors import InvalidPersonalCode

_ASCII_DIGITS = "0123456789"
_SHAPE = re.compile(r"[0-9]{6}-?[0-9]{5}", re.ASCII)
_USER_ID = re.compile(r"LV([0-9]{6}-?[0-9]{5})", re.ASCII)
_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CENTURY = {"0": 1800, "1": 1900, "2": 2000}


def check_digit(first_ten: str) -> int:
    """The old-format check digit: ``((1101 − Σ wᵢ·dᵢ) mod 11) mod 10`` (RULES §1)."""
    if len(first_ten) != 10 or any(c not in _ASCII_DIGITS for c in first_ten):
        raise ValueError("first_ten must be ten ASCII digits")
    total = sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, first_ten, strict=True))
    return ((1101 - total) % 11) % 10


def is_new_format(digits: str) -> bool:
    """Whether 11 digits are of the new format (``3`` then ``2``–``9``)."""
    return digits[0] == "3" and digits[1] in "23456789"


def _old_birth_date(digits: str) -> date | None:
    century = _CENTURY.get(digits[6])
    if century is None:
        return None
    day, month, year = int(digits[0:2]), int(digits[2:4]), century + int(digits[4:6])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def display(digits: str) -> str:
    """The usual written form ``DDMMYY-CNNNX`` of a stored code's 11 digits: the one place a
    personal code is formatted for people (answers, documents, reports, the command line)."""
    return f"{digits[:6]}-{digits[6:]}"


@dataclass(frozen=True, slots=True)
class PersonalCode:
    """A valid personal code, kept as its 11 ASCII digits."""

    digits: str

    @property
    def is_new_format(self) -> bool:
        return is_new_format(self.digits)

    @property
    def birth_date(self) -> date | None:
        """The birth date an old-format code holds; ``None`` for the new format."""
        if self.is_new_format:
            return None
        return _old_birth_date(self.digits)

    @property
    def display(self) -> str:
        """The usual written form, ``DDMMYY-CNNNX``."""
        return display(self.digits)

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        # Never print a whole personal code by accident (logs, tracebacks).
        return f"PersonalCode({self.digits[:2]}…)"


def parse_personal_code(raw: str) -> PersonalCode:
    """Parse and validate a personal code, with or without the hyphen.

    Raises :class:`~gateway.errors.InvalidPersonalCode` for anything that is not exactly a
    valid code: other digit scripts, spaces, signs, other lengths, an impossible date or a
    wrong check digit in the old format.
    """
    if not isinstance(raw, str) or not _SHAPE.fullmatch(raw):
        raise InvalidPersonalCode("shape")
    digits = raw.replace("-", "")
    if is_new_format(digits):
        return PersonalCode(digits)
    if _old_birth_date(digits) is None:
        raise InvalidPersonalCode("date")
    if check_digit(digits[:10]) != ord(digits[10]) - 48:
        raise InvalidPersonalCode("check digit")
    return PersonalCode(digits)


def parse_user_id(raw: str) -> PersonalCode:
    """Parse an X-Road ``userId``: ``LV`` followed by a valid personal code (RULES §1)."""
    if not isinstance(raw, str):
        raise InvalidPersonalCode("userId")
    match = _USER_ID.fullmatch(raw)
    if match is None:
        raise InvalidPersonalCode("userId")
    return parse_personal_code(match.group(1))
