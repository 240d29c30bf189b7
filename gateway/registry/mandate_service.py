"""The mandate service: the one place the SOAP services ask "may R act for S?" (RULES §2, §3).

It joins the pure rules (:func:`gateway.domain.mandate.decide`, :mod:`gateway.domain.age`) with
the register's answers, and fails closed:

* a request about oneself is allowed without asking the register (§3 rule 1);
* a request about another person needs the register; when it is unreachable, late or answers
  nonsense, the request is refused with :attr:`Reason.REGISTRY_UNAVAILABLE` ("try again later"),
  never allowed by default;
* a requester's age comes from the register when it answers, from an old-format code otherwise
  (§2); a new-format code with no register answer has no known age and is not an adult.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gateway.domain.age import is_adult, riga_date
from gateway.domain.mandate import Decision, Reason, decide
from gateway.domain.personal_code import PersonalCode
from gateway.errors import RegistryUnavailable
from gateway.registry.client import RegistryClient
from gateway.registry.redact import pseudonym

log = logging.getLogger(__name__)


def check_mandate(
    registry: RegistryClient, requester: PersonalCode, subject: PersonalCode, now: datetime
) -> Decision:
    """Whether ``requester`` may act for ``subject`` at the instant ``now`` (timezone-aware).

    The answer is a :class:`~gateway.domain.mandate.Decision`; its ``reason`` goes in the audit
    record. A subject unknown to the register is refused like any subject without a mandate.
    """
    on = riga_date(now)
    if requester.digits == subject.digits:
        return decide(requester, subject, None, on)
    try:
        record = registry.lookup(subject, user_id=requester)
    except RegistryUnavailable:
        log.info("mandate for %s refused: register unavailable", pseudonym(subject.digits))
        return Decision.refuse(Reason.REGISTRY_UNAVAILABLE)
    return decide(requester, subject, record, on)


class AgeSource(StrEnum):
    """Where an age verdict came from (RULES §2)."""

    REGISTER = "register"  # the register's birth date or its declared-of-age mark
    PERSONAL_CODE = "personal_code"  # an old-format code; the register had no record or no answer
    UNKNOWN = "unknown"  # a new-format code and no register record: not an adult


@dataclass(frozen=True, slots=True)
class AgeCheck:
    """Whether a person is an adult, and how sure we are.

    ``adult`` is the verdict RULES §2 asks for (an unknown age counts as not adult).
    ``register_unavailable`` says the register could not be asked, so a caller refusing a minor
    may say "try again later" rather than "ask a parent" when ``source`` is ``UNKNOWN``.
    """

    adult: bool
    source: AgeSource
    register_unavailable: bool = False


def check_age(registry: RegistryClient, person: PersonalCode, now: datetime) -> AgeCheck:
    """Whether ``person`` is an adult at ``now`` (RULES §2), asking the register as themselves.

    An old-format code that already shows an adult needs no register call: the code *is* the
    birth date (the register holds the same date for it; a corrected date means a new code), and
    the register can only add that a minor counts as of age, never take adulthood away. Any
    other code is asked about: the register alone knows a new-format code's birth date and
    whether a minor was declared of age. When it cannot answer, an old-format code still gives
    the birth date.
    """
    on = riga_date(now)
    birth = person.birth_date  # None for a new-format code
    if birth is not None and is_adult(birth, on):
        return AgeCheck(True, AgeSource.PERSONAL_CODE)
    try:
        record = registry.lookup(person, user_id=person)
    except RegistryUnavailable:
        record, unavailable = None, True
    else:
        unavailable = False
    if record is not None and (record.birth_date is not None or record.declared_of_age):
        return AgeCheck(record.is_adult(on), AgeSource.REGISTER, unavailable)
    if birth is None:
        return AgeCheck(False, AgeSource.UNKNOWN, unavailable)
    return AgeCheck(is_adult(birth, on), AgeSource.PERSONAL_CODE, unavailable)


def requester_is_adult(registry: RegistryClient, requester: PersonalCode, now: datetime) -> bool:
    """RULES §2 in one word: is the requester an adult at ``now``? (See :func:`check_age`.)"""
    return check_age(registry, requester, now).adult
