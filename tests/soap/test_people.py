"""The test people are what ``tests/soap/people.py`` says they are on the demo's today."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gateway.demo import DEMO_REGISTRY, DEMO_TODAY
from gateway.domain.age import is_adult, known_birth_date
from gateway.domain.personal_code import parse_personal_code
from tests.soap import people as P

REGISTER = {p["personal_code"]: p for p in json.loads(DEMO_REGISTRY.read_text("utf-8"))["persons"]}


@pytest.mark.parametrize(("code", "adult"), sorted(P.ADULT_ON_DEMO_TODAY.items()))
def test_each_test_person_is_adult_or_minor_as_written(code: str, adult: bool) -> None:
    entry = REGISTER.get(code)
    register_birth = date.fromisoformat(entry["birth_date"]) if entry else None
    birth = known_birth_date(parse_personal_code(code), register_birth)
    declared = bool(entry and entry["declared_of_age"])
    assert is_adult(birth, DEMO_TODAY, declared_of_age=declared) is adult


def test_every_test_person_is_classified() -> None:
    codes = {v for k, v in vars(P).items() if k.isupper() and isinstance(v, str)}
    assert codes == set(P.ADULT_ON_DEMO_TODAY)
