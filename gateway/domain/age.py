"""Age and adulthood (RULES §2).

A person is an adult from the start of their 18th birthday, by the calendar date in
``Europe/Riga``. Someone born on 29 February becomes an adult on 1 March in a year that is not a
leap year. A minor whom the register marks as of full age (married, or declared of age by the
orphan's court) counts as an adult. With no known birth date the person is not an adult.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from gateway.domain.personal_code import PersonalCode

RIGA = ZoneInfo("Europe/Riga")
ADULT_AGE = 18


def riga_date(instant: datetime) -> date:
    """The calendar date in Riga at ``instant`` (which must be timezone-aware)."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(RIGA).date()


def anniversary(birth: date, years: int) -> date:
    """The date ``years`` after ``birth``; 29 February falls on 1 March in a common year."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return date(birth.year + years, 3, 1)


def adulthood_date(birth: date) -> date:
    """The first day on which a person born on ``birth`` is an adult."""
    return anniversary(birth, ADULT_AGE)


def is_adult(birth: date | None, on: date, *, declared_of_age: bool = False) -> bool:
    """Whether a person is an adult on the Riga calendar date ``on``."""
    if declared_of_age:
        return True
    if birth is None:
        return False
    return on >= adulthood_date(birth)


def known_birth_date(code: PersonalCode, register_birth_date: date | None) -> date | None:
    """The birth date to use: the register's when it answered, else an old-format code's."""
    if register_birth_date is not None:
        return register_birth_date
    return code.birth_date
