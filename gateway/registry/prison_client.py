"""The Prison Administration's resocialisation register client (RULES §8, §13; issue 12).

Built like the population register client (:mod:`gateway.registry.client`) from the same
parts: the lean :class:`~gateway.registry.caller.RegisterCaller` with the contract of
``wsdl/ievp-resocialisation.wsdl`` (a request template prepared once, a total deadline per
call, bounded answers checked against the schemas), its own reader of the checked answer, and
a TTL cache of answers per inmate. Every failure raises
:class:`~gateway.errors.PrisonRegistryUnavailable`: nothing is cached from a failure, and no
appeal is ever allowed on a guess.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lxml import etree

from gateway.domain.personal_code import PersonalCode
from gateway.domain.prison import InmateRecord, Official
from gateway.errors import PrisonRegistryUnavailable
from gateway.ns import IEVP
from gateway.registry.answer import MalformedAnswer, child, text, xs_boolean, xs_date
from gateway.registry.cache import TTLCache
from gateway.registry.caller import RegisterCaller
from gateway.registry.registers import IEVP_REGISTER
from gateway.settings import Settings

_I = f"{{{IEVP}}}"


class PrisonClient:
    """The prison register as the gateway sees it. Thread-safe; make one per process."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.caller = RegisterCaller(
            IEVP_REGISTER, settings.prison_registry_url, settings.prison_registry_service,
            settings, reader=record_from_prison_answer, unavailable=PrisonRegistryUnavailable,
            metric_prefix="prison_",
        )
        self.cache: TTLCache[str, InmateRecord | None] = TTLCache(
            maxsize=settings.registry_cache_size, ttl=settings.registry_cache_ttl, clock=clock
        )

    def lookup(self, inmate: PersonalCode, *, user_id: PersonalCode) -> InmateRecord | None:
        """The record of ``inmate`` if in custody now, else ``None``; raises
        :class:`PrisonRegistryUnavailable` when there is no trustworthy answer."""
        hit = self.cache.get(inmate.digits)
        if hit is not None:
            return hit.value
        record = self.caller.call(inmate, user_id)
        self.cache.put(inmate.digits, record)
        return record

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.caller.close()


def record_from_prison_answer(answer: etree._Element, asked: str) -> InmateRecord | None:
    """The inmate record in a checked ``getResocialisationOfficialsResponse`` about ``asked``
    (11 digits), or ``None`` when the person is not in custody."""
    in_custody, inmate = xs_boolean(child(answer, _I + "inCustody")), answer.find(_I + "inmate")
    if in_custody is False and inmate is None:
        return None
    if in_custody is not True or inmate is None:
        raise MalformedAnswer("inCustody and inmate disagree")
    if text(inmate, _I + "personalCode") != asked:
        raise MalformedAnswer("the answer is about another person")
    officials = child(inmate, _I + "officials").findall(_I + "official")
    return InmateRecord(asked, text(inmate, _I + "institution"),
                        tuple(_official(item, asked) for item in officials))


def _official(item: etree._Element, inmate: str) -> Official:
    code = text(item, _I + "personalCode")
    if code == inmate:
        raise MalformedAnswer("an inmate cannot be their own official")
    start = xs_date(child(item, _I + "validFrom"))
    end_element = item.find(_I + "validTo")
    end = None if end_element is None else xs_date(end_element)
    if end is not None and end < start:
        raise MalformedAnswer("an official's term ends before it starts")
    return Official(code, text(item, _I + "givenName"), text(item, _I + "familyName"), start, end)
