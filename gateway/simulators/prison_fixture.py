"""The Prison Administration simulator's fixture, and the answers it gives (issue 12).

```json
{"inmates": [{"personal_code": "325512-80347", "institution": "Iļģuciema cietums",
              "officials": [{"personal_code": "120379-12344", "given_name": "Ilona",
                             "family_name": "Kalniņa", "valid_from": "2026-09-01",
                             "valid_to": null}]}]}
```

Refused as a whole, with the record and field named, when anything in it is wrong. Served by
``gateway registry-sim --register ievp`` through the same simulator as the population register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.domain.prison import InmateRecord, Official
from gateway.ns import IEVP
from gateway.simulators.register_fixture import FixtureError, _code, _date, _keys, read_fixture_file

_INMATE_KEYS = {"personal_code", "institution", "officials"}
_OFFICIAL_KEYS = {"personal_code", "given_name", "family_name", "valid_from", "valid_to"}


@dataclass(frozen=True, slots=True)
class PrisonFixture:
    """Who is in custody, by personal code (11 digits)."""

    records: Mapping[str, InmateRecord]

    def find(self, digits: str) -> InmateRecord | None:
        return self.records.get(digits)


def _text(value: Any, where: str, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 100 or not value.isprintable():
        raise FixtureError("must be 1–100 printable characters", record=where, field=field)
    return value


def parse_prison_fixture(data: Any) -> PrisonFixture:
    """Check a fixture already read from JSON."""
    if not isinstance(data, dict) or set(data) != {"inmates"} or not isinstance(
            data["inmates"], list):
        raise FixtureError("must be an object with a list of inmates", record="fixture")
    records: dict[str, InmateRecord] = {}
    for i, item in enumerate(data["inmates"]):
        where = f"inmates[{i}]"
        _keys(item, _INMATE_KEYS, _INMATE_KEYS, where)
        digits = _code(item["personal_code"], where, "personal_code")
        if digits in records:
            raise FixtureError("listed twice", record=where, field="personal_code")
        if not isinstance(item["officials"], list) or len(item["officials"]) > 20:
            raise FixtureError("must be a list of at most 20", record=where, field="officials")
        officials = []
        for j, raw in enumerate(item["officials"]):
            at = f"{where}.officials[{j}]"
            _keys(raw, _OFFICIAL_KEYS, _OFFICIAL_KEYS - {"valid_to"}, at)
            start = _date(raw["valid_from"], at, "valid_from")
            end = _date(raw.get("valid_to"), at, "valid_to")
            if start is None:
                raise FixtureError("required", record=at, field="valid_from")
            if end is not None and end < start:
                raise FixtureError("ends before it starts", record=at, field="valid_to")
            officials.append(Official(_code(raw["personal_code"], at, "personal_code"),
                                      _text(raw["given_name"], at, "given_name"),
                                      _text(raw["family_name"], at, "family_name"), start, end))
        records[digits] = InmateRecord(digits, _text(item["institution"], where, "institution"),
                                       tuple(officials))
    return PrisonFixture(records)


def load_prison_fixture(path: Path) -> PrisonFixture:
    """Read and check a fixture file (UTF-8 JSON)."""
    return parse_prison_fixture(read_fixture_file(path))


def prison_answer_element(record: InmateRecord | None) -> etree._Element:
    """The ``getResocialisationOfficialsResponse`` body element for a record or "not in
    custody"."""
    answer = etree.Element(f"{{{IEVP}}}getResocialisationOfficialsResponse",
                           nsmap={"ievp": IEVP})

    def add(parent: etree._Element, name: str, text: str) -> None:
        etree.SubElement(parent, f"{{{IEVP}}}{name}").text = text

    add(answer, "inCustody", "true" if record is not None else "false")
    if record is None:
        return answer
    inmate = etree.SubElement(answer, f"{{{IEVP}}}inmate")
    add(inmate, "personalCode", record.personal_code)
    add(inmate, "institution", record.institution)
    officials = etree.SubElement(inmate, f"{{{IEVP}}}officials")
    for official in record.officials:
        item = etree.SubElement(officials, f"{{{IEVP}}}official")
        add(item, "personalCode", official.personal_code)
        add(item, "givenName", official.given_name)
        add(item, "familyName", official.family_name)
        add(item, "validFrom", official.valid_from.isoformat())
        if official.valid_to is not None:
            add(item, "validTo", official.valid_to.isoformat())
    return answer
