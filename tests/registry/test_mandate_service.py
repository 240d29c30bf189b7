"""RULES §2 and §3 end to end: the real zeep client against the simulator on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.domain.age import RIGA
from gateway.domain.mandate import Decision, Reason
from gateway.domain.personal_code import PersonalCode
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import (
    AgeCheck,
    AgeSource,
    check_age,
    check_mandate,
    requester_is_adult,
)
from gateway.registry.server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import NOW

ALLOW = Decision.allow
REFUSE = Decision.refuse()


def riga(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=RIGA)


MANDATE_CASES = [
    # (requester, subject, instant, expected decision) — RULES §3, every branch
    pytest.param(p.ANNA, p.ANNA, NOW, ALLOW(Reason.SELF), id="self"),
    pytest.param(p.MOTHER, p.ANNA, NOW, ALLOW(Reason.PARENT_WITH_CUSTODY), id="minor-parent"),
    pytest.param(p.FATHER, p.ANNA, NOW, REFUSE, id="minor-custody-removed"),
    pytest.param(p.MOTHER, p.ILZE, NOW, REFUSE, id="minor-parent-never-had-custody"),
    pytest.param(p.BERTA_PARENT, p.BERTA, NOW, REFUSE, id="adult-child"),
    pytest.param(p.CITS_GUARDIAN, p.CITS, NOW, ALLOW(Reason.GUARDIAN_OF_MINOR), id="guardian"),
    pytest.param(p.DACE_GUARDIAN, p.DACE, NOW, ALLOW(Reason.GUARDIAN_OF_ADULT), id="aizgadnis"),
    pytest.param(p.DACE_GUARDIAN_EXPIRED, p.DACE, NOW, REFUSE, id="aizgadnis-expired"),
    pytest.param(
        p.DACE_GUARDIAN_EXPIRED,
        p.DACE,
        riga(2024, 12, 31, 23, 30),
        ALLOW(Reason.GUARDIAN_OF_ADULT),
        id="aizgadnis-last-valid-day",
    ),
    pytest.param(
        p.DACE_GUARDIAN_EXPIRED,
        p.DACE,
        datetime(2024, 12, 31, 22, 30, tzinfo=UTC),  # already 1 January in Riga
        REFUSE,
        id="aizgadnis-expired-by-riga-date",
    ),
    pytest.param(p.DACE_GUARDIAN_FUTURE, p.DACE, NOW, REFUSE, id="aizgadnis-not-yet-valid"),
    pytest.param(p.EGIJA_PARENT, p.EGIJA, NOW, REFUSE, id="declared-of-age"),
    pytest.param(
        p.FRICIS_PARENT,
        p.FRICIS,
        datetime(2025, 3, 14, 21, 30, tzinfo=UTC),  # 23:30 in Riga, the eve of the birthday
        ALLOW(Reason.PARENT_WITH_CUSTODY),
        id="eve-of-18th-birthday",
    ),
    pytest.param(
        p.FRICIS_PARENT,
        p.FRICIS,
        datetime(2025, 3, 14, 22, 30, tzinfo=UTC),  # 00:30 in Riga on the birthday
        REFUSE,
        id="18th-birthday",
    ),
    pytest.param(
        p.NEW_PARENT, p.NEW_CHILD, NOW, ALLOW(Reason.PARENT_WITH_CUSTODY), id="new-format-code"
    ),
    pytest.param(p.MOTHER, p.UNKNOWN, NOW, REFUSE, id="unknown-subject"),
    pytest.param(p.MOTHER, p.UNKNOWN_NEW, NOW, REFUSE, id="unknown-new-format-subject"),
    pytest.param(p.CITS_GUARDIAN, p.ANNA, NOW, REFUSE, id="stranger"),
    pytest.param(p.ANNA, p.MOTHER, NOW, REFUSE, id="child-about-parent"),
]


@pytest.mark.parametrize(("requester", "subject", "instant", "expected"), MANDATE_CASES)
def test_mandate(
    registry: RegistryClient,
    requester: PersonalCode,
    subject: PersonalCode,
    instant: datetime,
    expected: Decision,
) -> None:
    assert check_mandate(registry, requester, subject, instant) == expected


def test_unknown_subject_is_refused_like_a_known_one(registry: RegistryClient) -> None:
    unknown = check_mandate(registry, p.MOTHER, p.UNKNOWN, NOW)
    known = check_mandate(registry, p.MOTHER, p.BERTA, NOW)
    assert unknown == known == Decision.refuse(Reason.NO_MANDATE)


def test_self_never_asks_the_register(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    assert check_mandate(registry, p.DACE, p.DACE, NOW) == Decision.allow(Reason.SELF)
    simulator.stop()
    assert check_mandate(registry, p.DACE, p.DACE, NOW) == Decision.allow(Reason.SELF)
    assert simulator.app.counters()["calls"] == 0


def test_the_register_is_asked_as_the_requester(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    check_mandate(registry, p.MOTHER, p.ANNA, NOW)
    assert simulator.app.last_request is not None
    assert b">LV12047512344</" in simulator.app.last_request
    assert b">01051021114</" in simulator.app.last_request


def test_naive_instant_is_refused(registry: RegistryClient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_mandate(registry, p.MOTHER, p.ANNA, datetime(2025, 3, 15, 10, 0))


AGE_CASES = [
    # (person, expected check) — RULES §2 with the register answering
    pytest.param(p.MOTHER, AgeCheck(True, AgeSource.REGISTER), id="adult"),
    pytest.param(p.ANNA, AgeCheck(False, AgeSource.REGISTER), id="minor"),
    pytest.param(p.EGIJA, AgeCheck(True, AgeSource.REGISTER), id="minor-declared-of-age"),
    pytest.param(p.NEW_PARENT, AgeCheck(True, AgeSource.REGISTER), id="new-format-adult"),
    pytest.param(p.NEW_MINOR, AgeCheck(False, AgeSource.REGISTER), id="new-format-minor"),
    pytest.param(p.FATHER, AgeCheck(True, AgeSource.PERSONAL_CODE), id="old-format-not-found"),
    pytest.param(p.UNKNOWN_NEW, AgeCheck(False, AgeSource.UNKNOWN), id="new-format-not-found"),
]


@pytest.mark.parametrize(("person", "expected"), AGE_CASES)
def test_age(registry: RegistryClient, person: PersonalCode, expected: AgeCheck) -> None:
    assert check_age(registry, person, NOW) == expected
    assert requester_is_adult(registry, person, NOW) is expected.adult


AGE_CASES_REGISTER_DOWN = [
    # (person, expected check) — RULES §2 with no register answer
    pytest.param(p.MOTHER, AgeCheck(True, AgeSource.PERSONAL_CODE, True), id="old-format-adult"),
    pytest.param(p.ANNA, AgeCheck(False, AgeSource.PERSONAL_CODE, True), id="old-format-minor"),
    # Declared of age, but only the register knows it: by the code she is 16.
    pytest.param(p.EGIJA, AgeCheck(False, AgeSource.PERSONAL_CODE, True), id="declared-unknown"),
    pytest.param(p.NEW_PARENT, AgeCheck(False, AgeSource.UNKNOWN, True), id="new-format"),
]


@pytest.mark.parametrize(("person", "expected"), AGE_CASES_REGISTER_DOWN)
def test_age_with_the_register_down(
    registry: RegistryClient, simulator: RunningSimulator, person: PersonalCode, expected: AgeCheck
) -> None:
    simulator.stop()
    assert check_age(registry, person, NOW) == expected
