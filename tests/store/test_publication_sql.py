"""The store's publication filters agree with the rule (``gateway.domain.publication``,
RULES §5) on generated sessions, at and around each publication instant, on every database.

EP181's results query and EP226's document queries each filter on the publication instant in
SQL, for speed; this holds them to the one rule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from gateway.domain.age import RIGA
from gateway.domain.publication import is_published
from gateway.store import documents, queries
from gateway.store.importer import import_document

CODE = "010108-21238"
DIGITS = CODE.replace("-", "")
# Riga's clocks change on these nights; instants near them are where wall time misleads.
DST = [datetime(2024, 3, 31, 1, 0, tzinfo=UTC), datetime(2024, 10, 27, 1, 0, tzinfo=UTC)]


def _sessions(rng: random.Random, count: int) -> list[datetime]:
    instants = []
    for i in range(count):
        base = DST[i % 2] if i % 3 == 0 else datetime(2024, 7, 1, 5, 0, tzinfo=UTC)
        instants.append(base + timedelta(seconds=rng.randint(-3 * 3600, 3 * 3600)))
    return instants


def _document(published: list[datetime]) -> dict[str, object]:
    sessions, results, docs = [], [], []
    for i, instant in enumerate(published):
        code = f"S{i:02d}"
        sessions.append({"code": code, "school_year": "2023/2024", "level": "secondary",
                         "published_at": instant.astimezone(RIGA).isoformat()})
        results.append({"personal_code": CODE, "session": code, "exam": "MAT",
                        "institution": "4413900133", "total_percent": 50.0, "passed": True,
                        "parts": {"Matemātika": 50.0}})
        docs.append({"number": f"2024/{i:012d}-MAT", "kind": "ce_certificate",
                     "personal_code": CODE, "session": code, "exam": "MAT",
                     "issued_on": "2023-06-01", "title": "Centralizētā eksāmena sertifikāts"})
    return {
        "sessions": sessions,
        "exams": [{"code": "MAT", "name": "Matemātika", "parts": ["Matemātika"], "cefr": False}],
        "institutions": [{"code": "4413900133", "name": "Cesvaines vidusskola"}],
        "persons": [{"personal_code": CODE, "given_name": "Anna", "family_name": "Bērziņa"}],
        "results": results,
        "documents": docs,
    }


def test_the_sql_filters_agree_with_the_publication_rule(engine: Engine) -> None:
    published = _sessions(random.Random(20240701), 18)
    import_document(engine, _document(published))
    nows = sorted({p + timedelta(seconds=d) for p in published for d in (-1, 0, 1)})
    with engine.connect() as conn:
        for now in nows:
            expected = {f"S{i:02d}" for i, p in enumerate(published) if is_published(p, now)}
            for zone in (UTC, RIGA):  # the same instant, however the caller writes it
                at = now.astimezone(zone)
                results = {r.session_code for r in queries.passed_results(conn, DIGITS, at)}
                listed = {r.number for r in documents.visible_documents(conn, DIGITS, at)}
                assert results == expected, at
                assert listed == {f"2024/{int(s[1:]):012d}-MAT" for s in expected}, at
                for i in range(len(published)):
                    number = f"2024/{i:012d}-MAT"
                    one = documents.visible_document(conn, DIGITS, number, at)
                    assert (one is not None) == (f"S{i:02d}" in expected), (number, at)
