"""The bundled demo data set (``gateway/demo``, RULES §9 and §10).

The committed files are exactly what the generator produces, they hang together (every reference
resolves, every code parses), and the named people of ``docs/demo-people.md`` realise every
branch of the mandate rules (RULES §3) on the generator's reference date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.demo import DEMO_CLOCK_START, DEMO_DATA, DEMO_REGISTRY, DEMO_TODAY
from gateway.demo.generate import TODAY as GENERATOR_TODAY
from gateway.demo.generate import generate, main
from gateway.domain.age import RIGA, is_adult
from gateway.domain.mandate import Reason, RegisterRecord, RelationKind, Representative, decide
from gateway.domain.personal_code import parse_personal_code

TODAY = DEMO_TODAY
DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo-people.md"
NUMBER = re.compile(r"^[0-9]{4}/[0-9A-Z-]{1,40}$", re.ASCII)
CODE_IN_TABLE = re.compile(r"`?([0-9]{6}-[0-9]{5})`?")
NUMBER_IN_DOCS = re.compile(r"`([0-9]{4}/[0-9A-Z-]+)`")

# The named demo people (docs/demo-people.md), by name.
PEOPLE = {
    "Anna Bērziņa": "140310-24716",
    "Jānis Bērziņš": "220806-21170",
    "Pēteris Bērziņš": "020578-17513",
    "Ilze Bērziņa": "191180-19066",
    "Līga Ozoliņa": "050909-22343",
    "Inese Ozoliņa": "270181-10874",
    "Andris Ozoliņš": "150779-19018",
    "Mārtiņš Liepiņš": "200110-28649",
    "Māra Liepiņa": "031058-19084",
    "Ēriks Šteins": "110604-20482",
    "Dace Šteina": "080276-18238",
    "Elīza Krūmiņa": "031299-15476",
    "Rūta Krūmiņa": "220471-14450",
    "Katrīna Zariņa": "020609-24150",
    "Gatis Zariņš": "091282-16179",
    "Ņikita Ivanovs": "329174-50831",
    "Jeļena Ivanova": "300985-17224",
    "Dmitrijs Ivanovs": "110383-16099",
    "Sofija Vītola": "325512-80347",
    "Roberts Eglītis": "290208-26168",
    "Inga Eglīte": "170883-12077",
    "Kārlis Krastiņš": "051208-23267",
    "Laura Krastiņa": "300386-10099",
    "Oskars Dreimanis": "170596-10016",
    "Aleksejs Smirnovs": "300870-15376",
}

S = Reason
# (requester, subject, date, expected reason, why) — RULES §3, every branch.
MANDATES = [
    ("Anna Bērziņa", "Anna Bērziņa", TODAY, S.SELF, "self, a minor"),
    ("Pēteris Bērziņš", "Anna Bērziņa", TODAY, S.PARENT_WITH_CUSTODY, "father of a minor"),
    ("Ilze Bērziņa", "Anna Bērziņa", TODAY, S.PARENT_WITH_CUSTODY, "mother of a minor"),
    ("Pēteris Bērziņš", "Jānis Bērziņš", TODAY, S.NO_MANDATE, "parent of an adult"),
    ("Ilze Bērziņa", "Jānis Bērziņš", TODAY, S.NO_MANDATE, "parent of an adult"),
    ("Jānis Bērziņš", "Anna Bērziņa", TODAY, S.NO_MANDATE, "brother"),
    ("Anna Bērziņa", "Pēteris Bērziņš", TODAY, S.NO_MANDATE, "child for a parent"),
    ("Inese Ozoliņa", "Līga Ozoliņa", TODAY, S.PARENT_WITH_CUSTODY, "mother with custody"),
    ("Andris Ozoliņš", "Līga Ozoliņa", TODAY, S.NO_MANDATE, "custody removed"),
    ("Māra Liepiņa", "Mārtiņš Liepiņš", TODAY, S.GUARDIAN_OF_MINOR, "aizbildnis"),
    ("Dace Šteina", "Ēriks Šteins", TODAY, S.GUARDIAN_OF_ADULT, "aizgādnis, valid"),
    ("Rūta Krūmiņa", "Elīza Krūmiņa", TODAY, S.NO_MANDATE, "aizgādnis, expired"),
    ("Rūta Krūmiņa", "Elīza Krūmiņa", date(2024, 6, 30), S.GUARDIAN_OF_ADULT, "last valid day"),
    ("Gatis Zariņš", "Katrīna Zariņa", TODAY, S.NO_MANDATE, "minor declared of age"),
    ("Katrīna Zariņa", "Katrīna Zariņa", TODAY, S.SELF, "self, declared of age"),
    ("Jeļena Ivanova", "Ņikita Ivanovs", TODAY, S.PARENT_WITH_CUSTODY, "new-code minor"),
    ("Dmitrijs Ivanovs", "Ņikita Ivanovs", TODAY, S.PARENT_WITH_CUSTODY, "new-code minor"),
    ("Sofija Vītola", "Sofija Vītola", TODAY, S.SELF, "new-code adult"),
    ("Inga Eglīte", "Roberts Eglītis", TODAY, S.NO_MANDATE, "29 Feb child, adult now"),
    ("Inga Eglīte", "Roberts Eglītis", date(2026, 2, 28), S.PARENT_WITH_CUSTODY, "29 Feb, minor"),
    ("Inga Eglīte", "Roberts Eglītis", date(2026, 3, 1), S.NO_MANDATE, "29 Feb, adult 1 Mar"),
    ("Laura Krastiņa", "Kārlis Krastiņš", TODAY, S.PARENT_WITH_CUSTODY, "18 in a week"),
    ("Laura Krastiņa", "Kārlis Krastiņš", date(2026, 12, 5), S.NO_MANDATE, "18th birthday"),
    ("Pēteris Bērziņš", "Oskars Dreimanis", TODAY, S.NO_MANDATE, "subject unknown"),
    ("Aleksejs Smirnovs", "Oskars Dreimanis", TODAY, S.NO_MANDATE, "subject unknown"),
    ("Oskars Dreimanis", "Oskars Dreimanis", TODAY, S.SELF, "self, unknown to register"),
    ("Aleksejs Smirnovs", "Anna Bērziņa", TODAY, S.NO_MANDATE, "stranger"),
    ("Aleksejs Smirnovs", "Aleksejs Smirnovs", TODAY, S.SELF, "stranger, self"),
]

# Whether each named person is an adult on TODAY: who may use EP226 as a requester (RULES §2).
ADULTS = {
    "Anna Bērziņa": False,
    "Jānis Bērziņš": True,
    "Līga Ozoliņa": False,
    "Mārtiņš Liepiņš": False,
    "Ēriks Šteins": True,
    "Elīza Krūmiņa": True,
    "Katrīna Zariņa": True,  # declared of age
    "Ņikita Ivanovs": False,
    "Sofija Vītola": True,  # new code: from the register's birth date
    "Roberts Eglītis": True,  # 29 February 2008: adult since 1 March 2026
    "Kārlis Krastiņš": False,  # until 5 December 2026
    "Oskars Dreimanis": True,  # unknown to the register: from the code
    "Aleksejs Smirnovs": True,
    "Pēteris Bērziņš": True,
    "Māra Liepiņa": True,
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return _load(DEMO_DATA)


@pytest.fixture(scope="module")
def registry() -> dict[str, Any]:
    return _load(DEMO_REGISTRY)


@pytest.fixture(scope="module")
def records(registry: dict[str, Any]) -> dict[str, RegisterRecord]:
    """The register fixture as the domain sees it, by the subject's 11 digits."""
    reps: dict[str, list[Representative]] = {}
    for rel in registry["relations"]:
        subject = parse_personal_code(rel["subject"]).digits
        reps.setdefault(subject, []).append(
            Representative(
                personal_code=parse_personal_code(rel["representative"]).digits,
                kind=RelationKind(rel["kind"]),
                custody=rel["custody"],
                valid_from=date.fromisoformat(rel["valid_from"]) if rel["valid_from"] else None,
                valid_to=date.fromisoformat(rel["valid_to"]) if rel["valid_to"] else None,
                given_name=rel["given_name"],
                family_name=rel["family_name"],
            )
        )
    out = {}
    for person in registry["persons"]:
        digits = parse_personal_code(person["personal_code"]).digits
        out[digits] = RegisterRecord(
            personal_code=digits,
            birth_date=date.fromisoformat(person["birth_date"]),
            declared_of_age=person["declared_of_age"],
            representatives=tuple(reps.get(digits, ())),
        )
    return out


def _by(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _codes(demo: dict[str, Any], registry: dict[str, Any]) -> Iterator[str]:
    for key in ("persons", "results", "documents"):
        yield from (item["personal_code"] for item in demo[key])
    yield from (person["personal_code"] for person in registry["persons"])
    for rel in registry["relations"]:
        yield rel["representative"]
        yield rel["subject"]


# --- the files are the generator's output -------------------------------------------------------


def test_generator_docs_and_gateway_clock_share_the_demo_today() -> None:
    assert GENERATOR_TODAY == DEMO_TODAY
    assert DEMO_CLOCK_START.astimezone(RIGA).date() == DEMO_TODAY
    demo_script = (DOCS.parents[1] / "scripts" / "demo").read_text(encoding="utf-8")
    assert f"GATEWAY_CLOCK_START-{DEMO_CLOCK_START.isoformat()}" in demo_script
    stated = f"{DEMO_TODAY.day} {DEMO_TODAY:%B %Y}"
    assert f"for {stated}**" in " ".join(DOCS.read_text(encoding="utf-8").split())


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    generate(tmp_path)
    assert (tmp_path / "demo.json").read_bytes() == DEMO_DATA.read_bytes()
    assert (tmp_path / "registry.json").read_bytes() == DEMO_REGISTRY.read_bytes()


def test_main_writes_into_the_given_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "demo.json").read_bytes() == DEMO_DATA.read_bytes()
    assert "demo.json" in capsys.readouterr().out


def test_demo_file_is_small_and_has_every_section(demo: dict[str, Any]) -> None:
    assert DEMO_DATA.stat().st_size < 1_500_000
    assert set(demo) == {"sessions", "exams", "institutions", "persons", "results", "documents"}
    assert 250 <= len(demo["persons"]) <= 400
    assert len(demo["institutions"]) >= 10


# --- personal codes and names -------------------------------------------------------------------


def test_every_personal_code_parses(demo: dict[str, Any], registry: dict[str, Any]) -> None:
    for code in _codes(demo, registry):
        parsed = parse_personal_code(code)
        assert code == parsed.display  # written DDMMYY-CNNNX


def test_both_code_formats_occur(demo: dict[str, Any]) -> None:
    parsed = [parse_personal_code(p["personal_code"]) for p in demo["persons"]]
    new = [code for code in parsed if code.is_new_format]
    assert 5 <= len(new) < len(parsed) / 2


def test_persons_are_unique_and_named(demo: dict[str, Any]) -> None:
    codes = [p["personal_code"] for p in demo["persons"]]
    assert len(codes) == len(set(codes))
    for person in demo["persons"]:
        assert person["given_name"] and person["family_name"]
    assert any(not p["family_name"].isascii() for p in demo["persons"])


# --- references ---------------------------------------------------------------------------------


def test_results_reference_existing_records(demo: dict[str, Any]) -> None:
    persons = _by(demo["persons"], "personal_code")
    sessions, exams = _by(demo["sessions"], "code"), _by(demo["exams"], "code")
    institutions = _by(demo["institutions"], "code")
    keys = set()
    for result in demo["results"]:
        assert result["personal_code"] in persons
        assert result["session"] in sessions
        assert result["exam"] in exams
        assert result["institution"] in institutions
        keys.add((result["personal_code"], result["session"], result["exam"]))
    assert len(keys) == len(demo["results"])  # the natural key is unique


def test_result_parts_are_the_parts_of_its_exam(demo: dict[str, Any]) -> None:
    exams = _by(demo["exams"], "code")
    for result in demo["results"]:
        assert set(result["parts"]) == set(exams[result["exam"]]["parts"])
        for value in (result["total_percent"], *result["parts"].values()):
            assert 0.0 <= value <= 100.0
            assert round(value, 1) == value


def test_cefr_level_only_on_passed_cefr_exams(demo: dict[str, Any]) -> None:
    exams = _by(demo["exams"], "code")
    for result in demo["results"]:
        if exams[result["exam"]]["cefr"] and result["passed"]:
            assert result["cefr_level"] in {"A2", "B1", "B2", "C1"}
        else:
            assert result["cefr_level"] is None


def test_some_results_are_failed(demo: dict[str, Any]) -> None:
    failed = [r for r in demo["results"] if not r["passed"]]
    assert 0 < len(failed) < len(demo["results"]) / 10


def test_documents_are_consistent(demo: dict[str, Any]) -> None:
    persons = _by(demo["persons"], "personal_code")
    sessions, exams = _by(demo["sessions"], "code"), _by(demo["exams"], "code")
    results = {(r["personal_code"], r["session"], r["exam"]): r for r in demo["results"]}
    numbers = [doc["number"] for doc in demo["documents"]]
    assert len(numbers) == len(set(numbers))
    for doc in demo["documents"]:
        assert NUMBER.fullmatch(doc["number"]), doc["number"]
        assert doc["personal_code"] in persons
        assert doc["title"]
        issued = date.fromisoformat(doc["issued_on"])
        assert doc["number"].startswith(f"{issued.year}/")
        if doc["kind"] == "ce_certificate":
            assert doc["session"] in sessions
            assert doc["exam"] in exams
            assert doc["number"].endswith(f"-{doc['exam']}")
            result = results[(doc["personal_code"], doc["session"], doc["exam"])]
            assert result["passed"], "no certificate for a failed exam"
            published = datetime.fromisoformat(sessions[doc["session"]]["published_at"])
            assert issued == published.astimezone(RIGA).date()
        else:
            assert doc["kind"] in {"language_decision", "language_statement"}
            assert "session" not in doc and "exam" not in doc
            assert issued <= TODAY


def test_documents_straddle_the_2023_cut_off(demo: dict[str, Any]) -> None:
    kinds_before = {d["kind"] for d in demo["documents"] if d["issued_on"] < "2023-01-01"}
    kinds_after = {d["kind"] for d in demo["documents"] if d["issued_on"] >= "2023-01-01"}
    assert {"ce_certificate", "language_decision", "language_statement"} <= kinds_after
    assert "ce_certificate" in kinds_before
    assert kinds_before & {"language_decision", "language_statement"}


# --- sessions and publication -------------------------------------------------------------------


def test_sessions_are_published_at_0800_riga(demo: dict[str, Any]) -> None:
    for session in demo["sessions"]:
        published = datetime.fromisoformat(session["published_at"]).astimezone(RIGA)
        year = int(session["code"][:4])
        assert session["school_year"] == f"{year - 1}/{year}"
        day = 1 if session["level"] == "basic" else 11
        assert (published.month, published.day, published.hour) == (7, day, 8)
        assert session["code"] == f"{year}-{'P' if session['level'] == 'basic' else 'V'}"


def test_every_school_year_from_2010_2011_has_results_at_both_levels(
    demo: dict[str, Any],
) -> None:
    with_results = {r["session"] for r in demo["results"]}
    for year in range(2011, 2026):
        assert {f"{year}-P", f"{year}-V"} <= with_results


def test_a_session_before_the_2010_2011_cut_off_has_results(demo: dict[str, Any]) -> None:
    old = {s["code"] for s in demo["sessions"] if s["school_year"] < "2010/2011"}
    assert old & {r["session"] for r in demo["results"]}


def test_one_session_is_published_after_today_with_results_and_documents(
    demo: dict[str, Any],
) -> None:
    now = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=RIGA)
    future = [
        s["code"] for s in demo["sessions"] if datetime.fromisoformat(s["published_at"]) > now
    ]
    assert len(future) == 1
    assert any(r["session"] == future[0] for r in demo["results"])
    assert any(d.get("session") == future[0] for d in demo["documents"])


# --- the register fixture -----------------------------------------------------------------------


def test_register_fixture_matches_the_demo_persons(
    demo: dict[str, Any], registry: dict[str, Any]
) -> None:
    demo_codes = {p["personal_code"] for p in demo["persons"]}
    register_codes = [p["personal_code"] for p in registry["persons"]]
    assert len(register_codes) == len(set(register_codes))
    # Everyone is in both files, except the one person the register does not know.
    assert demo_codes - set(register_codes) == {PEOPLE["Oskars Dreimanis"]}
    assert set(register_codes) <= demo_codes
    for rel in registry["relations"]:
        assert rel["representative"] in register_codes
        assert rel["subject"] in register_codes
        assert rel["kind"] in {"parent", "guardian", "guardian_of_adult"}
        assert isinstance(rel["custody"], bool)
        date.fromisoformat(rel["valid_from"])
        assert rel["valid_to"] is None or rel["valid_to"] >= rel["valid_from"]


def test_register_birth_dates_agree_with_old_format_codes(registry: dict[str, Any]) -> None:
    for person in registry["persons"]:
        code = parse_personal_code(person["personal_code"])
        birth = date.fromisoformat(person["birth_date"])
        assert birth <= TODAY
        if not code.is_new_format:
            assert code.birth_date == birth


# --- the named people (docs/demo-people.md) -----------------------------------------------------


def test_named_people_have_their_codes(demo: dict[str, Any]) -> None:
    names = {p["personal_code"]: f"{p['given_name']} {p['family_name']}" for p in demo["persons"]}
    for name, code in PEOPLE.items():
        assert names[code] == name
        assert list(names.values()).count(name) == 1, f"{name} is not unique"


@pytest.mark.parametrize(
    ("requester", "subject", "on", "expected", "why"),
    MANDATES,
    ids=[f"{r}->{s}:{why}" for r, s, _, _, why in MANDATES],
)
def test_named_pairs_realise_the_mandate_rules(
    records: dict[str, RegisterRecord],
    requester: str,
    subject: str,
    on: date,
    expected: Reason,
    why: str,
) -> None:
    r_code = parse_personal_code(PEOPLE[requester])
    s_code = parse_personal_code(PEOPLE[subject])
    decision = decide(r_code, s_code, records.get(s_code.digits), on)
    assert decision.reason is expected, why
    assert decision.allowed is (expected is not Reason.NO_MANDATE)


def test_every_mandate_branch_is_realised() -> None:
    realised = {expected for _, _, on, expected, _ in MANDATES if on == TODAY}
    assert realised == set(Reason) - {Reason.REGISTRY_UNAVAILABLE}
    refusals = {why for _, _, _, expected, why in MANDATES if expected is Reason.NO_MANDATE}
    for branch in (
        "parent of an adult",
        "custody removed",
        "aizgādnis, expired",
        "minor declared of age",
        "subject unknown",
        "stranger",
    ):
        assert branch in refusals


def test_the_unknown_person_is_not_in_the_register(records: dict[str, RegisterRecord]) -> None:
    assert parse_personal_code(PEOPLE["Oskars Dreimanis"]).digits not in records


@pytest.mark.parametrize(("name", "adult"), sorted(ADULTS.items()))
def test_who_is_an_adult_today(records: dict[str, RegisterRecord], name: str, adult: bool) -> None:
    code = parse_personal_code(PEOPLE[name])
    record = records.get(code.digits)
    if record is None:  # RULES §2: no register answer, so the old-format code's date
        assert is_adult(code.birth_date, TODAY) is adult
    else:
        assert record.is_adult(TODAY) is adult


def test_docs_table_lists_the_named_people(demo: dict[str, Any]) -> None:
    names = {p["personal_code"]: f"{p['given_name']} {p['family_name']}" for p in demo["persons"]}
    listed: set[str] = set()
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3:
            continue
        match = CODE_IN_TABLE.fullmatch(cells[2])
        if match is None:
            continue
        code = match.group(1)
        assert names[code] == cells[1].strip("*"), line
        listed.add(code)
    assert listed == set(PEOPLE.values())


def test_docs_document_numbers_exist(demo: dict[str, Any]) -> None:
    from gateway.demo.corrections import demo_document

    numbers = {doc["number"] for doc in demo_document()["documents"]}  # with the corrections
    quoted = NUMBER_IN_DOCS.findall(DOCS.read_text(encoding="utf-8"))
    assert quoted
    assert set(quoted) <= numbers
