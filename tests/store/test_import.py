"""The import (RULES §9): whole or nothing, precise refusals, idempotent, on every database."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update

from gateway.demo import DEMO_DATA
from gateway.errors import ImportRejected
from gateway.store.importer import import_document, import_file
from gateway.store.models import Base, Document, Result

SMALL: dict[str, Any] = {
    "sessions": [{"code": "2024-P", "school_year": "2023/2024", "level": "basic",
                  "published_at": "2024-07-01T08:00:00+03:00"}],
    "exams": [{"code": "FRA09", "name": "Eksāmens franču valodā 9. klasei",
               "parts": ["Klausīšanās", "Lasīšana", "Rakstīšana", "Runāšana"], "cefr": True}],
    "institutions": [{"code": "4413900133", "name": "Cesvaines vidusskola"}],
    "persons": [{"personal_code": "010108-21238", "given_name": "Anna",
                 "family_name": "Bērziņa"}],
    "results": [{"personal_code": "010108-21238", "session": "2024-P", "exam": "FRA09",
                 "institution": "4413900133", "total_percent": 81.0, "passed": True,
                 "cefr_level": "B2", "parts": {"Klausīšanās": 90.0, "Lasīšana": 95.0,
                                               "Rakstīšana": 100.0, "Runāšana": 80.0}}],
    "documents": [{"number": "2024/301949081206-FRA09", "kind": "ce_certificate",
                   "personal_code": "010108-21238", "session": "2024-P", "exam": "FRA09",
                   "issued_on": "2024-07-01", "title": "Centralizētā eksāmena sertifikāts"}],
}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    out = {}
    with engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows]
    return out


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {n: conn.scalar(select(func.count()).select_from(t)) or 0
                for n, t in Base.metadata.tables.items()}


def test_the_rules_example_loads(engine: Engine) -> None:
    summary = import_document(engine, copy.deepcopy(SMALL))
    assert summary.changed == {"sessions": 1, "exams": 1, "institutions": 1, "persons": 1,
                               "results": 1, "documents": 1, "appeals": 0}
    with engine.connect() as conn:
        result = conn.execute(select(Result)).one()
    assert result.personal_code == "01010821238"  # stored as the 11 digits
    assert result.parts == {"Klausīšanās": 90.0, "Lasīšana": 95.0, "Rakstīšana": 100.0,
                            "Runāšana": 80.0}
    assert result.cefr_level == "B2"


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    first = import_file(engine, DEMO_DATA)
    before = dump(engine)
    second = import_file(engine, DEMO_DATA)
    assert dump(engine) == before
    assert sum(first.changed.values()) > 0
    assert set(second.changed.values()) == {0}
    assert second.records == first.records


def test_a_changed_record_is_updated_in_place(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    changed = copy.deepcopy(SMALL)
    changed["results"][0]["total_percent"] = 82.5
    summary = import_document(engine, changed)
    assert summary.changed["results"] == 1
    assert summary.changed["persons"] == 0
    with engine.connect() as conn:
        assert conn.scalars(select(Result.total_percent)).all() == [82.5]


def test_references_may_point_at_earlier_imports(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    later = {"results": [dict(SMALL["results"][0], exam="FRA09", session="2024-P")]}
    later["results"][0]["total_percent"] = 50.0
    assert import_document(engine, later).changed["results"] == 1


Mutation = Callable[[dict[str, Any]], None]


def _set(section: str, key: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc[section][0][key] = value

    return mutate


def _drop(section: str, key: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del doc[section][0][key]

    return mutate


def _duplicate(section: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc[section].append(copy.deepcopy(doc[section][0]))

    return mutate


def _extra_part(doc: dict[str, Any]) -> None:
    doc["results"][0]["parts"]["Dziedāšana"] = 50.0


def _not_cefr(doc: dict[str, Any]) -> None:
    doc["exams"][0]["cefr"] = False


REFUSALS = [
    # (case, mutation, record, field, words in the message)
    ("percent over 100", _set("results", "total_percent", 181.0), "results[0]",
     "total_percent", "smaller than or equal to 100"),
    ("percent as text", _set("results", "total_percent", "81"), "results[0]", "total_percent",
     "must be number"),
    ("bad check digit", _set("persons", "personal_code", "010108-21239"), "persons[0]",
     "personal_code", "personal code"),
    ("full-width digits", _set("persons", "personal_code", "０１０１０８-21238"), "persons[0]",
     "personal_code", "must match pattern"),
    ("impossible date", _set("persons", "personal_code", "310208-21238"), "persons[0]",
     "personal_code", "personal code"),
    ("unknown person", _set("results", "personal_code", "010105-12347"), "results[0]",
     "personal_code", "no known person"),
    ("unknown session", _set("results", "session", "2025-P"), "results[0]", "session",
     "no known session"),
    ("unknown exam", _set("results", "exam", "MAT09"), "results[0]", "exam", "no known exam"),
    ("unknown institution", _set("results", "institution", "1"), "results[0]", "institution",
     "no known institution"),
    ("part not of the exam", _extra_part, "results[0]", "parts", "Dziedāšana"),
    ("CEFR on a non-CEFR exam", _not_cefr, "results[0]", "cefr_level", "CEFR"),
    ("missing field", _drop("results", "passed"), "results[0]", None, "'passed'"),
    ("unknown field", _set("persons", "middle_name", "X"), "persons[0]", None, "middle_name"),
    ("unknown kind", _set("documents", "kind", "diploma"), "documents[0]", "kind",
     "must be one of"),
    ("certificate without exam", _drop("documents", "exam"), "documents[0]", "session",
     "session and exam"),
    ("bad issue date", _set("documents", "issued_on", "2024-02-30"), "documents[0]",
     "issued_on", "not a date"),
    ("document number with newline", _set("documents", "number", "2024/X\n"), "documents[0]",
     "number", "match pattern"),
    ("supersedes not a number", _set("documents", "supersedes", 5), "documents[0]",
     "supersedes", "must be a string matching ^[0-9]{4}/[0-9A-Z-]{1,40}$ or null"),
    ("naive publication time", _set("sessions", "published_at", "2024-07-01T08:00:00"),
     "sessions[0]", "published_at", "must match pattern"),
    ("school year not consecutive", _set("sessions", "school_year", "2023/2025"), "sessions[0]",
     "school_year", "consecutive"),
    ("duplicate person", _duplicate("persons"), "persons[1]", None, "repeats"),
    ("duplicate result", _duplicate("results"), "results[1]", None, "repeats"),
    ("duplicate document", _duplicate("documents"), "documents[1]", None, "repeats"),
]


@pytest.mark.parametrize(
    ("mutate", "record", "field", "words"),
    [pytest.param(m, r, f, w, id=case) for case, m, r, f, w in REFUSALS],
)
def test_a_bad_record_refuses_the_whole_file(
    engine: Engine, mutate: Mutation, record: str, field: str | None, words: str
) -> None:
    doc = copy.deepcopy(SMALL)
    mutate(doc)
    with pytest.raises(ImportRejected) as caught:
        import_document(engine, doc)
    assert caught.value.record == record
    assert caught.value.field == field
    assert words in str(caught.value)
    assert set(counts(engine).values()) == {0}  # nothing half-loaded


def test_a_refused_file_leaves_earlier_data_untouched(engine: Engine) -> None:
    import_file(engine, DEMO_DATA)
    before = dump(engine)
    doc = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    doc["results"][-1]["total_percent"] = -1
    doc["persons"][0]["given_name"] = "Changed"
    with pytest.raises(ImportRejected):
        import_document(engine, doc)
    assert dump(engine) == before


def test_a_sealed_document_cannot_change(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    with engine.begin() as conn:
        conn.execute(update(Document).values(edoc=b"sealed", edoc_sha256="0" * 64,
                                             sealed_at=text("CURRENT_TIMESTAMP")))
    changed = copy.deepcopy(SMALL)
    changed["documents"][0]["title"] = "Cits nosaukums"
    with pytest.raises(ImportRejected, match="sealed") as caught:
        import_document(engine, changed)
    assert (caught.value.record, caught.value.field) == ("documents[0]", "title")
    # The same file as before still loads: nothing about the document changes.
    assert import_document(engine, copy.deepcopy(SMALL)).changed["documents"] == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"persons": [', "not JSON"),
        (b"[]", "file: must be object"),
        (b'{"pupils": []}', "pupils"),
    ],
)
def test_unreadable_files_are_refused(
    engine: Engine, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportRejected, match=words):
        import_file(engine, path)
