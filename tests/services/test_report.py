"""The VIIS report's selection (RULES §12) on generated data, on every database: the
institution's students of the level, in sessions published on or before the selection date and
by now — passed and not passed; nothing of other schools, other levels or later sessions."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from gateway.domain.age import RIGA
from gateway.domain.publication import is_in_report
from gateway.errors import InstitutionNotFound
from gateway.services.report import MAX_PAGE, institution_results
from gateway.store.importer import import_document

SCHOOL, OTHER = "4413900133", "2713900215"
NOW = datetime(2024, 7, 20, 9, 0, tzinfo=UTC)
# (code, level, published in Riga): before, on and after the selection date of 2024-07-11,
# the other level, and one on the selection date but only published after NOW in a later run.
SESSIONS = [
    ("2023-V", "secondary", datetime(2023, 7, 11, 8, 0, tzinfo=RIGA)),
    ("2024-V", "secondary", datetime(2024, 7, 11, 8, 0, tzinfo=RIGA)),
    ("2024-VL", "secondary", datetime(2024, 7, 11, 23, 59, tzinfo=RIGA)),  # late that day
    ("2024-VX", "secondary", datetime(2024, 7, 12, 0, 0, tzinfo=RIGA)),  # the next day
    ("2024-P", "basic", datetime(2024, 7, 1, 8, 0, tzinfo=RIGA)),
]
EXAMS = [("MAT", ["Matemātika"]), ("ANG", ["Klausīšanās", "Lasīšana"])]


def personal_code(n: int) -> str:
    """A valid old-format code for a person born in 2005 (RULES §1)."""
    first = f"{1 + n % 28:02d}{1 + n % 12:02d}05" + "2" + f"{n % 1000:03d}"
    weights = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = ((1101 - sum(w * int(d) for w, d in zip(weights, first, strict=True))) % 11) % 10
    return f"{first[:6]}-{first[6:]}{check}"


def generated(rng: random.Random, students: int) -> dict[str, object]:
    persons, results = [], []
    for n in range(students):
        code = personal_code(n)
        persons.append({"personal_code": code, "given_name": rng.choice(["Anna", "Ņikita"]),
                        "family_name": rng.choice(["Bērziņa", "Ozoliņš", "Šteins"])})
        school = SCHOOL if n % 3 else OTHER
        for session, _level, _at in rng.sample(SESSIONS, 3):
            for exam, parts in EXAMS:
                total = round(rng.uniform(0, 100), 1)
                results.append({
                    "personal_code": code, "session": session, "exam": exam,
                    "institution": school, "total_percent": total, "passed": total >= 5,
                    "parts": {p: round(rng.uniform(0, 100), 1) for p in parts},
                })
    return {
        "sessions": [{"code": c, "school_year": f"{at.year - 1}/{at.year}", "level": level,
                      "published_at": at.isoformat()} for c, level, at in SESSIONS],
        "exams": [{"code": c, "name": f"Eksāmens {c}", "parts": p, "cefr": False}
                  for c, p in EXAMS],
        "institutions": [{"code": SCHOOL, "name": "Cesvaines vidusskola"},
                         {"code": OTHER, "name": "Rīgas Valsts 1. ģimnāzija"}],
        "persons": persons,
        "results": results,
    }


def expected(data: dict[str, object], level: str, selection: date, now: datetime) -> set[tuple]:
    published = {c: (lv, at) for c, lv, at in SESSIONS}
    return {
        (r["personal_code"].replace("-", ""), r["session"], r["exam"])  # type: ignore[index]
        for r in data["results"]  # type: ignore[attr-defined]
        if r["institution"] == SCHOOL and published[r["session"]][0] == level
        and is_in_report(published[r["session"]][1], selection, now)
    }


@pytest.fixture
def loaded(engine: Engine) -> tuple[Engine, dict[str, object]]:
    data = generated(random.Random(12), 60)
    import_document(engine, data)
    return engine, data


@pytest.mark.parametrize(
    ("selection", "now"),
    [
        (date(2024, 7, 11), NOW),
        (date(2024, 7, 10), NOW),
        (date(2024, 7, 12), NOW),
        (date(2030, 1, 1), datetime(2024, 7, 11, 20, 0, tzinfo=UTC)),  # later: not yet public
        (date(2023, 7, 10), NOW),
    ],
)
def test_the_rows_are_the_rules_selection(
    loaded: tuple[Engine, dict[str, object]], selection: date, now: datetime
) -> None:
    engine, data = loaded
    for level in ("secondary", "basic"):
        report = institution_results(engine, SCHOOL, level, selection, now)
        got = {(r.personal_code, r.session_code, r.exam_code) for r in report.rows}
        assert got == expected(data, level, selection, now)
        assert len(got) == len(report.rows)
    report = institution_results(engine, SCHOOL, "secondary", date(2024, 7, 11), NOW)
    assert any(not r.passed for r in report.rows), "unpassed exams are listed too"
    assert {r.session_code for r in report.rows} == {"2023-V", "2024-V", "2024-VL"}
    assert report.subjects == tuple(dict.fromkeys(r.personal_code for r in report.rows))


def test_pages_add_up_to_the_whole_report(loaded: tuple[Engine, dict[str, object]]) -> None:
    engine, _data = loaded
    whole = institution_results(engine, SCHOOL, "secondary", date(2024, 7, 11), NOW)
    assert len(whole.rows) > 50 and whole.next_after is None
    paged, after, pages = [], 0, 0
    while True:
        page = institution_results(engine, SCHOOL, "secondary", date(2024, 7, 11), NOW,
                                   after=after, page_size=50)
        assert len(page.rows) <= 50
        paged += page.rows
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert [r.result_id for r in paged] == [r.result_id for r in whole.rows]
    assert pages == -(-len(whole.rows) // 50)


def test_a_page_is_never_larger_than_the_bound(loaded: tuple[Engine, dict[str, object]]) -> None:
    engine, _data = loaded
    page = institution_results(engine, SCHOOL, "secondary", date(2024, 7, 11), NOW,
                               page_size=MAX_PAGE * 10)
    assert len(page.rows) <= MAX_PAGE


def test_an_unknown_institution_is_refused(engine: Engine) -> None:
    with pytest.raises(InstitutionNotFound):
        institution_results(engine, "0000000000", "basic", date(2024, 7, 11), NOW)


def test_the_day_ends_at_riga_midnight_across_daylight_saving() -> None:
    winter = datetime(2024, 10, 27, 21, 59, tzinfo=UTC)  # 23:59 in Riga, after the change
    assert is_in_report(winter, date(2024, 10, 27), winter + timedelta(days=1))
    assert not is_in_report(winter + timedelta(minutes=1), date(2024, 10, 27),
                            winter + timedelta(days=1))
