"""The register simulator's fixture (RULES §10): people, and who represents whom.

```json
{"persons": [{"personal_code": "010108-21238", "birth_date": "2008-01-01",
              "declared_of_age": false}],
 "relations": [{"representative": "150372-11111", "given_name": "Jānis",
                "family_name": "Bērziņš", "subject": "010108-21238",
                "kind": "parent", "custody": true,
                "valid_from": "2008-01-01", "valid_to": null}]}
```

A relation names its representative (``given_name``, ``family_name``, both required: the register
always knows a person's name, and its answer carries it, RULES §13).
A fixture is refused as a whole, with the record and field named, when anything in it is wrong:
an invalid personal code, date or name, an unknown kind or key, a person listed twice, a
relation whose subject is not among the persons.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import ConfigurationError, InvalidPersonalCode

_PERSON_KEYS = {"personal_code", "birth_date", "declared_of_age"}
_RELATION_KEYS = {"representative", "given_name", "family_name", "subject", "kind", "custody",
                  "valid_from", "valid_to"}
_NAME_LENGTH = 100  # pmlp:Name in schemas/pmlp-representation.xsd


@dataclass(frozen=True, slots=True)
class RegisterFixture:
    """What the simulated register knows, by personal code (11 digits)."""

    records: Mapping[str, RegisterRecord]

    def find(self, digits: str) -> RegisterRecord | None:
        """The record of the person with these 11 digits, or ``None``."""
        return self.records.get(digits)


class FixtureError(ConfigurationError):
    """The fixture file is wrong; ``record`` and ``field`` say where."""

    def __init__(self, detail: str, *, record: str, field: str | None = None) -> None:
        super().__init__(f"{record}{'.' + field if field else ''}: {detail}")
        self.record = record
        self.field = field


def read_fixture_file(path: Path) -> Any:
    """A fixture file's JSON (UTF-8); one that cannot be read is a :class:`FixtureError`."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"cannot read the fixture: {exc}", record=str(path)) from None


def load_fixture(path: Path) -> RegisterFixture:
    """Read and check a fixture file (UTF-8 JSON, RULES §10)."""
    return parse_fixture(read_fixture_file(path))


def parse_fixture(data: Any) -> RegisterFixture:
    """Check a fixture already read from JSON."""
    if not isinstance(data, dict) or set(data) - {"persons", "relations"}:
        raise FixtureError("must be an object with persons and relations", record="fixture")
    persons, relations = data.get("persons", []), data.get("relations", [])
    if not isinstance(persons, list) or not isinstance(relations, list):
        raise FixtureError("persons and relations must be lists", record="fixture")

    people: dict[str, tuple[date, bool]] = {}
    for i, item in enumerate(persons):
        where = f"persons[{i}]"
        _keys(item, _PERSON_KEYS, {"personal_code", "birth_date"}, where)
        digits = _code(item["personal_code"], where, "personal_code")
        if digits in people:
            raise FixtureError("listed twice", record=where, field="personal_code")
        born = _date(item["birth_date"], where, "birth_date")
        if born is None:
            raise FixtureError("required", record=where, field="birth_date")
        people[digits] = (born, _bool(item.get("declared_of_age", False), where, "declared_of_age"))

    reps: dict[str, list[Representative]] = {digits: [] for digits in people}
    for i, item in enumerate(relations):
        where = f"relations[{i}]"
        _keys(item, _RELATION_KEYS,
              {"representative", "given_name", "family_name", "subject", "kind"}, where)
        subject = _code(item["subject"], where, "subject")
        if subject not in people:
            raise FixtureError("not among the persons", record=where, field="subject")
        representative = _code(item["representative"], where, "representative")
        if representative == subject:
            raise FixtureError("a person cannot represent themselves", record=where)
        try:
            kind = RelationKind(item["kind"])
        except ValueError:
            raise FixtureError("unknown kind", record=where, field="kind") from None
        valid_from = _date(item.get("valid_from"), where, "valid_from")
        valid_to = _date(item.get("valid_to"), where, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise FixtureError("ends before it starts", record=where, field="valid_to")
        custody = _bool(item.get("custody", False), where, "custody")
        reps[subject].append(Representative(
            representative, kind, custody, valid_from, valid_to,
            given_name=_name(item["given_name"], where, "given_name"),
            family_name=_name(item["family_name"], where, "family_name")))

    return RegisterFixture(
        {
            digits: RegisterRecord(digits, born, declared, tuple(reps[digits]))
            for digits, (born, declared) in people.items()
        }
    )


def _keys(item: Any, allowed: set[str], required: set[str], where: str) -> None:
    if not isinstance(item, dict):
        raise FixtureError("must be an object", record=where)
    unknown, missing = sorted(set(item) - allowed), sorted(required - set(item))
    if unknown:
        raise FixtureError("unknown key", record=where, field=unknown[0])
    if missing:
        raise FixtureError("required", record=where, field=missing[0])


def _code(value: Any, where: str, field: str) -> str:
    try:
        return parse_personal_code(value).digits
    except InvalidPersonalCode:
        raise FixtureError("not a valid personal code", record=where, field=field) from None


def _date(value: Any, where: str, field: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise FixtureError("must be a date YYYY-MM-DD or null", record=where, field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FixtureError("not a valid date", record=where, field=field) from None


def _name(value: Any, where: str, field: str) -> str:
    """A given or family name as the contract's ``pmlp:Name`` allows it."""
    if (not isinstance(value, str) or not value.strip() or len(value) > _NAME_LENGTH
            or not value.isprintable()):
        raise FixtureError(f"must be a name of 1 to {_NAME_LENGTH} printable characters",
                           record=where, field=field)
    return value


def _bool(value: Any, where: str, field: str) -> bool:
    if not isinstance(value, bool):
        raise FixtureError("must be true or false", record=where, field=field)
    return value
