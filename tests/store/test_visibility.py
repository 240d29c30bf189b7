"""The SQL of :mod:`gateway.store.visibility` agrees with the pure rules of ``gateway.domain``
(RULES §4, §5, §11, §12, §13) on SQLite and PostgreSQL: the publication instant over generated
instants (the nights Riga's clocks change included), the cut-offs, the issue date at Riga's
midnight, the VIIS report's selection date, the portal's six months, and the certificate's
status over every combination of what makes it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select

from gateway.domain.age import RIGA
from gateway.domain.certificate_status import downloadable, effective_status
from gateway.domain.publication import (
    in_ep181_years,
    in_ep226_issues,
    is_in_report,
    is_issued,
    is_portal_visible,
    is_published,
    portal_visible_until,
)
from gateway.store import visibility as seen
from gateway.store.importer import import_document
from gateway.store.models import Appeal, Document, ExamSession, Result
from tests.module_db import DATABASES, migrated

HOLDER = "020200-22223"
# Riga's clocks change on these instants (01:00 UTC): 03:00 → 04:00 in spring, and in autumn
# 04:00 → 03:00, so that 03:00–04:00 Riga wall time happens twice (the fold).
DST = [datetime(2024, 3, 31, 1, 0, tzinfo=UTC), datetime(2024, 10, 27, 1, 0, tzinfo=UTC)]
FOLD = datetime(2024, 10, 27, 3, 30, tzinfo=RIGA)
PUBLISHED = sorted({
    *(d + timedelta(minutes=m) for d in DST for m in (-90, -30, -1, 0, 1, 30, 90)),
    FOLD, FOLD.replace(fold=1),  # the same wall time, an hour apart
    datetime(2024, 7, 1, 8, 0, tzinfo=RIGA),
    datetime(2024, 8, 31, 8, 0, tzinfo=RIGA),  # six months on: 28 February 08:00 (winter)
    datetime(2024, 4, 30, 23, 30, tzinfo=RIGA),  # six months on: 30 October, across the fold
    datetime(2023, 12, 31, 23, 59, 59, tzinfo=RIGA),
})
YEARS = range(2005, 2016)
ISSUE_DAYS = [date(2022, 12, 30) + timedelta(days=i) for i in range(4)] + [
    date(2024, 10, 25) + timedelta(days=i) for i in range(5)]
# A certificate's status comes of: VISC's word, a successor, and its latest appeal.
STATUS_CASES = list(itertools.product(("valid", "revoked"), (False, True),
                                      (None, "open", "decided")))


def _number(imported: str, superseded: bool, appeal: str | None) -> str:
    return f"2024/{imported}-{'SUP' if superseded else 'CUR'}-{appeal or 'none'}".upper()


def _data() -> dict[str, Any]:
    sessions = [{"code": f"P{i:02d}", "school_year": "2023/2024", "level": "secondary",
                 "published_at": p.isoformat()} for i, p in enumerate(PUBLISHED)]
    sessions += [{"code": f"Y{y}", "school_year": f"{y}/{y + 1}", "level": "basic",
                  "published_at": "2020-01-01T08:00:00+02:00"} for y in YEARS]
    results = [{"personal_code": HOLDER, "session": s["code"], "exam": "MAT",
                "institution": "4413900133", "total_percent": 60.0, "passed": True,
                "parts": {}} for s in sessions]
    documents: list[dict[str, Any]] = [
        {"number": f"2000/D-{d.isoformat()}", "kind": "language_decision", "personal_code": HOLDER,
         "issued_on": d.isoformat(), "title": "Lēmums"} for d in ISSUE_DAYS]
    for imported, superseded, appeal in STATUS_CASES:
        number = _number(imported, superseded, appeal)
        documents.append({"number": number, "kind": "language_statement",
                          "personal_code": HOLDER, "issued_on": "2024-07-01",
                          "title": "Izziņa", "status": imported})
        if superseded:
            documents.append({"number": f"{number}-NEW", "kind": "language_statement",
                              "personal_code": HOLDER, "issued_on": "2024-08-01",
                              "title": "Izziņa", "supersedes": number})
    return {
        "sessions": sessions,
        "exams": [{"code": "MAT", "name": "Matemātika", "parts": [], "cefr": False}],
        "institutions": [{"code": "4413900133", "name": "Cesvaines vidusskola"}],
        "persons": [{"personal_code": HOLDER, "given_name": "Berta", "family_name": "Ozola"}],
        "results": results,
        "documents": documents,
    }


@pytest.fixture(scope="module", params=DATABASES)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
       ) -> Iterator[Engine]:
    with migrated(request.param, tmp_path_factory, "gw_vis") as engine:
        import_document(engine, _data())
        at = datetime(2024, 9, 1, tzinfo=UTC)
        with engine.begin() as conn:
            for i, (imported, superseded, appeal) in enumerate(STATUS_CASES):
                if appeal is not None:
                    conn.execute(insert(Appeal).values(
                        reference=f"A-{i}", document_number=_number(imported, superseded,
                                                                    appeal),
                        requester_code="02020022223", subject_code="02020022223",
                        role="student", text="", status=appeal, created_at=at))
        yield engine


def _codes(engine: Engine, where: Any, params: dict[str, Any]) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(ExamSession.code).where(where), params))


def _instants() -> st.SearchStrategy[datetime]:
    near = st.sampled_from(PUBLISHED + DST).flatmap(
        lambda p: st.integers(-4 * 3600, 4 * 3600).map(lambda s: p + timedelta(seconds=s)))
    exact = st.sampled_from(PUBLISHED).flatmap(
        lambda p: st.sampled_from([-1, 0, 1]).map(lambda us: p + timedelta(microseconds=us)))
    return st.one_of(near, exact).flatmap(
        lambda t: st.sampled_from([UTC, RIGA]).map(t.astimezone))  # however it is written


def _published_sessions(now: datetime) -> set[str]:
    return {f"P{i:02d}" for i, p in enumerate(PUBLISHED) if is_published(p, now)}


@settings(max_examples=60, deadline=None)
@given(now=_instants())
def test_the_publication_instant(db: Engine, now: datetime) -> None:
    shown = _codes(db, seen.published() & ExamSession.code.like("P%"), seen.at(now))
    assert shown == _published_sessions(now)


@settings(max_examples=40, deadline=None)
@given(now=_instants(), day=st.dates(date(2024, 3, 29), date(2024, 10, 29)))
def test_the_report_of_a_selection_date(db: Engine, now: datetime, day: date) -> None:
    shown = _codes(db, seen.in_report() & ExamSession.code.like("P%"),
                   dict(seen.at(now), **seen.report_day(day)))
    assert shown == {f"P{i:02d}" for i, p in enumerate(PUBLISHED) if is_in_report(p, day, now)}


@pytest.mark.parametrize("delta", [timedelta(minutes=-1), timedelta(0), timedelta(minutes=1)])
def test_the_portals_six_months(db: Engine, delta: timedelta) -> None:
    ours = {f"P{i:02d}" for i in range(len(PUBLISHED))}
    for now in sorted({t + delta for p in PUBLISHED for t in (p, portal_visible_until(p))}):
        with db.connect() as conn:
            shown = set(seen.portal_sessions(conn, now)) & ours
        assert shown == {f"P{i:02d}" for i, p in enumerate(PUBLISHED)
                         if is_portal_visible(p, now)}, now
    # written out: 31 August 08:00 (summer) → 28 February 08:00 Riga (winter time)
    august = f"P{PUBLISHED.index(datetime(2024, 8, 31, 8, 0, tzinfo=RIGA)):02d}"
    with db.connect() as conn:
        assert august in seen.portal_sessions(conn, datetime(2025, 2, 28, 7, 59, tzinfo=RIGA))
        assert august not in seen.portal_sessions(conn, datetime(2025, 2, 28, 8, 0, tzinfo=RIGA))


def test_ep181_school_years(db: Engine) -> None:
    shown = _codes(db, seen.ep181_years() & ExamSession.code.like("Y%"), {})
    assert shown == {f"Y{y}" for y in YEARS if in_ep181_years(f"{y}/{y + 1}")}
    assert "Y2009" not in shown and "Y2010" in shown  # 2009/2010 out, 2010/2011 in


@pytest.mark.parametrize("now", [
    datetime(2024, 10, 26, 23, 59, 59, tzinfo=RIGA), datetime(2024, 10, 27, 0, 0, tzinfo=RIGA),
    datetime(2024, 10, 26, 21, 30, tzinfo=UTC),  # already the 27th in Riga
    datetime(2024, 10, 27, 21, 59, tzinfo=UTC), datetime(2024, 10, 27, 22, 0, tzinfo=UTC),
    datetime(2022, 12, 31, 22, 0, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC),
])
def test_the_issue_date_and_ep226s_cut_off(db: Engine, now: datetime) -> None:
    with db.connect() as conn:
        def numbers(where: Any) -> set[str]:
            return set(conn.scalars(select(Document.number).where(
                where, Document.number.like("2000/D-%")), seen.at(now)))
        assert numbers(seen.issued()) == {f"2000/D-{d}" for d in ISSUE_DAYS if is_issued(d, now)}
        assert numbers(seen.ep226_issues()) == {f"2000/D-{d}" for d in ISSUE_DAYS
                                                 if in_ep226_issues(d)}
        assert "2000/D-2022-12-31" not in numbers(seen.ep226_issues())
        assert "2000/D-2023-01-01" in numbers(seen.ep226_issues())


def test_the_certificate_status(db: Engine) -> None:
    with db.connect() as conn:
        rows = {n: (s, d, by) for n, s, d, by in conn.execute(select(
            Document.number, seen.status(), seen.downloadable(), seen.superseded_by(),
        ).where(Document.kind == "language_statement"))}
        current = set(conn.scalars(select(Document.number).where(
            Document.kind == "language_statement", seen.current())))
    for imported, superseded, appeal in STATUS_CASES:
        number = _number(imported, superseded, appeal)
        expected = effective_status(imported, f"{number}-NEW" if superseded else None,
                                    appeal_open=appeal == "open")
        status, may, successor = rows[number]
        assert (status, bool(may)) == (expected.value, downloadable(expected)), number
        assert successor == (f"{number}-NEW" if superseded else None)
        assert (number in current) is not superseded
    assert {s for s, _, _ in rows.values()} == {"valid", "under_appeal", "superseded",
                                                "revoked"}


def test_the_institution(db: Engine) -> None:
    with db.connect() as conn:
        ours = conn.scalar(select(Result.id).where(seen.of_institution()).limit(1),
                           {"institution": "4413900133"})
        other = conn.scalar(select(Result.id).where(seen.of_institution()).limit(1),
                            {"institution": "4413900134"})
    assert ours is not None and other is None
