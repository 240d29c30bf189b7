"""RULES §2 and §3 end to end: the real zeep client against the simulator on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.national import personal_code as national_code
from gateway.domain.age import RIGA, is_adult, known_birth_date
from gateway.domain.mandate import Decision, Reason, RegisterRecord
from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import (
    AgeCheck,
    AgeSource,
    check_age,
    check_mandate,
    requester_is_adult,
)
from gateway.simulators.register_server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import NOW
from tests.stand import REPO

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
    # An old-format code that shows an adult is not asked about (see the test below).
    pytest.param(p.MOTHER, AgeCheck(True, AgeSource.PERSONAL_CODE), id="adult"),
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
    pytest.param(p.MOTHER, AgeCheck(True, AgeSource.PERSONAL_CODE), id="old-format-adult"),
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


def test_an_adult_by_an_old_format_code_is_not_asked_about(
    registry: RegistryClient, simulator: RunningSimulator
) -> None:
    before = simulator.app.counters()["calls"]
    assert check_age(registry, p.MOTHER, NOW) == AgeCheck(True, AgeSource.PERSONAL_CODE)
    assert simulator.app.counters()["calls"] == before
    check_age(registry, p.ANNA, NOW)  # a minor by her code: the register may know more
    assert simulator.app.counters()["calls"] == before + 1


OLD_FORMAT_BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))


@given(birth=OLD_FORMAT_BIRTHS, serial=st.integers(0, 999), declared=st.booleans(),
       register_knows=st.booleans(), day=st.dates(min_value=date(2020, 1, 1),
                                                   max_value=date(2040, 12, 31)))
def test_nothing_the_register_could_say_makes_an_adult_by_code_a_minor(
    birth: date, serial: int, declared: bool, register_knows: bool, day: date
) -> None:
    """The reasoning behind the skip (RULES §2), over every answer the register could give for
    an old-format code: its birth date is the code's (or absent), and declared-of-age only ever
    adds adulthood. Whenever the code alone shows an adult, so does every such answer."""
    code = parse_personal_code(national_code(birth, serial))
    assert code.birth_date == birth
    if not is_adult(code.birth_date, day):
        return
    record = RegisterRecord(personal_code=code.digits,
                            birth_date=birth if register_knows else None,
                            declared_of_age=declared)
    # The verdict had the register been asked (check_age without the skip):
    if record.birth_date is not None or record.declared_of_age:
        asked = record.is_adult(day)
    else:
        asked = is_adult(known_birth_date(code, record.birth_date), day)
    assert asked


def test_the_register_holds_the_codes_own_birth_date_for_every_old_format_code() -> None:
    """What the skip relies on, checked on the demo register: an old-format code's birth date
    in the register is the date the code spells."""
    fixture = json.loads((REPO / "gateway" / "demo" / "data" / "registry.json").read_text())
    checked = 0
    for person in fixture["persons"]:
        code = parse_personal_code(person["personal_code"])
        if code.birth_date is not None and person.get("birth_date"):
            assert date.fromisoformat(person["birth_date"]) == code.birth_date, person
            checked += 1
    assert checked > 100
