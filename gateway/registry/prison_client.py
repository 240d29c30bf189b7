"""The Prison Administration's resocialisation register client (RULES §8, §13; issue 12).

Built like the population register client (:mod:`gateway.registry.client`) from the same
parts: zeep over the committed WSDL (``wsdl/ievp-resocialisation.wsdl``) read once through the
contract-only transport (local files only, a total deadline per call, bounded answers), the
answer checked against the schema before zeep reads it and then field by field, a TTL cache
of answers per inmate. Every failure raises :class:`~gateway.errors.PrisonRegistryUnavailable`:
nothing is cached from a failure, and no appeal is ever allowed on a guess.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from gateway import metrics, xroad
from gateway.domain.personal_code import PersonalCode
from gateway.domain.prison import InmateRecord, Official
from gateway.errors import PrisonRegistryUnavailable
from gateway.registry.answer import MalformedAnswer, SchemaCheck, _get
from gateway.registry.cache import TTLCache
from gateway.registry.client import classify
from gateway.registry.redact import pseudonym
from gateway.registry.registers import IEVP_REGISTER
from gateway.registry.transport import ContractOnlyTransport, contract_client
from gateway.settings import Settings

log = logging.getLogger(__name__)


class PrisonClient:
    """The prison register as the gateway sees it. Thread-safe; make one per process."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.transport = ContractOnlyTransport(
            connect_timeout=settings.registry_connect_timeout,
            read_timeout=settings.registry_read_timeout,
            contract_files=IEVP_REGISTER.files,
        )
        self._zeep = contract_client(IEVP_REGISTER.wsdl, self.transport, SchemaCheck(IEVP_REGISTER))
        self._service = self._zeep.create_service(
            IEVP_REGISTER.binding, settings.prison_registry_url
        )
        self.cache: TTLCache[str, InmateRecord | None] = TTLCache(
            maxsize=settings.registry_cache_size, ttl=settings.registry_cache_ttl, clock=clock
        )
        own, register = settings.xroad_self, settings.prison_registry_service
        self._client_header = {
            "objectType": "SUBSYSTEM", "xRoadInstance": own.instance,
            "memberClass": own.member_class, "memberCode": own.member_code,
            "subsystemCode": own.subsystem_code,
        }
        self._service_header = {
            "objectType": "SERVICE", "xRoadInstance": register.instance,
            "memberClass": register.member_class, "memberCode": register.member_code,
            "subsystemCode": register.subsystem_code,
            "serviceCode": IEVP_REGISTER.service_code,
            "serviceVersion": IEVP_REGISTER.service_version,
        }

    def lookup(self, inmate: PersonalCode, *, user_id: PersonalCode) -> InmateRecord | None:
        """The record of ``inmate`` if in custody now, else ``None``; raises
        :class:`PrisonRegistryUnavailable` when there is no trustworthy answer."""
        hit = self.cache.get(inmate.digits)
        if hit is not None:
            return hit.value
        record = self._call(inmate, user_id)
        self.cache.put(inmate.digits, record)
        return record

    def _call(self, inmate: PersonalCode, user_id: PersonalCode) -> InmateRecord | None:
        message_id = uuid.uuid4().hex
        user = "LV" + user_id.digits
        headers = {"client": self._client_header, "service": self._service_header,
                   "id": message_id, "userId": user,
                   "protocolVersion": xroad.PROTOCOL_VERSION}
        try:
            answer = self._service.getResocialisationOfficials(
                personalCode=inmate.digits, _soapheaders=headers)
            record = record_from_prison_answer(answer, asked=inmate.digits,
                                               message_id=message_id, user_id=user)
        except Exception as exc:  # every failure, however odd, refuses: never a guess
            failure = classify(exc)
            metrics.REGISTRY_CALLS.labels(f"prison_{failure.value}").inc()
            log.warning("prison register call %s about %s failed: %s (%s)", message_id,
                        pseudonym(inmate.digits), failure.value, type(exc).__name__)
            raise PrisonRegistryUnavailable(failure.value, failure=failure) from exc
        log.info("prison register call %s about %s: %s", message_id, pseudonym(inmate.digits),
                 "in custody" if record is not None else "not in custody")
        return record

    def close(self) -> None:
        self.transport.session.close()


def record_from_prison_answer(answer: Any, *, asked: str, message_id: str,
                              user_id: str) -> InmateRecord | None:
    """The inmate record in a zeep answer about ``asked`` (11 digits), or ``None``."""
    header, body = _get(answer, "header"), _get(answer, "body")
    if _get(header, "id") != message_id or _get(header, "userId") != user_id:
        raise MalformedAnswer("the answer does not repeat the request's id and userId")
    in_custody, inmate = _get(body, "inCustody"), _get(body, "inmate")
    if in_custody is False and inmate is None:
        return None
    if in_custody is not True or inmate is None:
        raise MalformedAnswer("inCustody and inmate disagree")
    if _get(inmate, "personalCode") != asked:
        raise MalformedAnswer("the answer is about another person")
    container = _get(inmate, "officials")
    raw = [] if container is None else _get(container, "official") or []
    return InmateRecord(asked, str(_get(inmate, "institution")),
                        tuple(_official(item, asked) for item in raw))


def _official(item: Any, inmate: str) -> Official:
    code = _get(item, "personalCode")
    if code == inmate:
        raise MalformedAnswer("an inmate cannot be their own official")
    start, end = _get(item, "validFrom"), _get(item, "validTo")
    if not _is_date(start) or (end is not None and not _is_date(end)):
        raise MalformedAnswer("not a date")
    if end is not None and end < start:
        raise MalformedAnswer("an official's term ends before it starts")
    return Official(str(code), str(_get(item, "givenName")), str(_get(item, "familyName")),
                    start, end)


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
