"""Generate the bundled demo data set: ``python -m gateway.demo.generate [--out DIR]``.

Writes ``demo.json`` (the VISC import file, RULES §9) and ``registry.json`` (the register
simulator's fixture, RULES §10). The data are synthetic but shaped like Latvia's: Latvian names,
old-format personal codes with correct check digits and some new-format ones, 9th-grade and
secondary-school (CE) sessions from 2009/2010 to 2025/2026 and one session published in the
future. Everything comes from one seeded :class:`random.Random` and one fixed reference date,
:data:`TODAY`, so that running the generator again gives identical bytes.

Beside the random population, :meth:`_Demo.named_families` builds a few families with fixed names
that exercise every branch of the mandate rules (RULES §3) on :data:`TODAY`; the table in
``docs/demo-people.md`` tells a newcomer whom to try.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

from gateway.demo import DATA_DIR, DEMO_TODAY
from gateway.demo.catalogue import (
    CERTIFICATE_TITLE,
    CESVAINE,
    ELECTIVES,
    EXAMS,
    FOREIGN,
    INSTITUTIONS,
    LANGUAGE_TITLES,
    LV_FEMALE,
    LV_MALE,
    LV_SURNAMES,
    RU_FEMALE,
    RU_MALE,
    RU_SURNAMES,
    RVG1,
    Exam,
    Json,
)
from gateway.domain.personal_code import check_digit, display

TODAY = DEMO_TODAY
"""The reference date: ages and the one unpublished session are chosen relative to it."""
SEED = 20261128
RIGA = ZoneInfo("Europe/Riga")
FIRST_EXAM_YEAR = 2010  # the 2009/2010 sessions: before the EP181 cut-off (RULES §4)
LAST_EXAM_YEAR = 2026  # the 2025/2026 sessions, published in July before TODAY
FUTURE_SESSION = "2027-P"  # published 2027-07-01, after TODAY (RULES §5)
CERTIFICATES_FROM = 2022  # e-certificates exist from 2022; EP226 lists only from 2023 on
PASS_PERCENT = 5.0  # a CE below 5 % is not passed
TARGET_PERSONS = 300


def session_code(year: int, basic: bool) -> str:
    """``2024-P`` (basic education) or ``2024-V`` (secondary) for the sessions of ``year``."""
    return f"{year}-{'P' if basic else 'V'}"


def published_at(code: str) -> datetime:
    """1 July (basic) or 11 July (secondary) at 08:00 Riga time (RULES §5)."""
    year, kind = int(code[:4]), code[5]
    return datetime(year, 7, 1 if kind == "P" else 11, 8, 0, tzinfo=RIGA)


SESSIONS = (
    *(
        session_code(year, basic)
        for year in range(FIRST_EXAM_YEAR, LAST_EXAM_YEAR + 1)
        for basic in (True, False)
    ),
    FUTURE_SESSION,
)


def _session_json(code: str) -> Json:
    year = int(code[:4])
    return {
        "code": code,
        "school_year": f"{year - 1}/{year}",
        "level": "basic" if code.endswith("P") else "secondary",
        "published_at": published_at(code).isoformat(),
    }


@dataclass(slots=True)
class Person:
    digits: str
    given_name: str
    family_name: str
    birth: date
    declared_of_age: bool = False
    in_registry: bool = True

    @property
    def code(self) -> str:
        """The written form, with the hyphen after the sixth digit."""
        return display(self.digits)


class _Demo:
    """Accumulates the demo population; named people first, then random families."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.persons: dict[str, Person] = {}
        self.relations: list[Json] = []
        self.results: list[Json] = []
        self.documents: list[Json] = []
        self.reserved_names: set[tuple[str, str]] = set()
        self._serial = 100

    # --- people -------------------------------------------------------------------------------

    def person(
        self, given: str, family: str, birth: date, *, new_code: str | None = None
    ) -> Person:
        """Add a person with an old-format code, or with the new-format ``new_code``."""
        digits = new_code.replace("-", "") if new_code else self._old_digits(birth)
        if digits in self.persons:
            raise ValueError(f"duplicate personal code for {given} {family}")
        person = Person(digits, given, family, birth)
        self.persons[digits] = person
        return person

    def _old_digits(self, birth: date) -> str:
        century = {18: "0", 19: "1", 20: "2"}[birth.year // 100]
        while True:
            first_ten = f"{birth:%d%m%y}{century}{self.rng.randrange(1000):03d}"
            digits = first_ten + str(check_digit(first_ten))
            if digits not in self.persons:
                return digits

    def _new_digits(self) -> str:
        while True:
            digits = "32" + "".join(self.rng.choice("0123456789") for _ in range(9))
            if digits not in self.persons:
                return digits

    def _random_date(self, year: int, latest: date = TODAY) -> date:
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), latest)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def relate(
        self,
        representative: Person,
        subject: Person,
        kind: str,
        *,
        custody: bool,
        valid_from: date,
        valid_to: date | None = None,
    ) -> None:
        """A register relation (RULES §10); ``custody`` only means something for parents."""
        self.relations.append(
            {
                "representative": representative.code,
                "given_name": representative.given_name,
                "family_name": representative.family_name,
                "subject": subject.code,
                "kind": kind,
                "custody": custody,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
            }
        )

    # --- results and documents ------------------------------------------------------------

    def sit(
        self,
        person: Person,
        session: str,
        exam_code: str,
        institution: str,
        ability: float,
        *,
        fail: bool = False,
    ) -> None:
        """One exam result; ``fail`` makes the total fall under the pass mark."""
        exam = EXAMS[exam_code]
        rng = self.rng
        base = ability + rng.gauss(0, 9)

        def score() -> float:
            if fail:
                return round(rng.uniform(0, PASS_PERCENT - 0.1), 1)
            return round(min(100.0, max(6.0, base + rng.gauss(0, 8))), 1)

        parts = {name: score() for name in exam.parts}
        total = round(sum(parts.values()) / len(parts), 1) if parts else score()
        passed = total >= PASS_PERCENT
        self.results.append(
            {
                "personal_code": person.code,
                "session": session,
                "exam": exam_code,
                "institution": institution,
                "total_percent": total,
                "passed": passed,
                "cefr_level": _cefr(exam, total) if exam.cefr and passed else None,
                "parts": parts,
            }
        )

    def school_career(self, person: Person) -> None:
        """The 9th-grade exams at 15–16 and, mostly, the secondary CEs at 18–19."""
        rng = self.rng
        ability = rng.gauss(62, 14)
        school = rng.choice(sorted(INSTITUTIONS))
        foreign = rng.choices([c for c, _ in FOREIGN], weights=[w for _, w in FOREIGN])[0]
        year = person.birth.year + 16
        session = session_code(year, True)
        if session in SESSIONS:
            exams = ["LVA09", "MAT09", foreign + "09"] + (["VES09"] if year <= 2019 else [])
            for exam in exams:
                self.sit(person, session, exam, school, ability, fail=rng.random() < 0.03)
        session = session_code(year + 3, False)
        if session in SESSIONS and rng.random() < 0.85:
            if rng.random() < 0.4:
                school = rng.choice(sorted(INSTITUTIONS))
            exams = ["LVA", "MAT", foreign]
            if rng.random() < 0.5:
                exams.append(rng.choice(ELECTIVES))
            for exam in exams:
                self.sit(person, session, exam, school, ability, fail=rng.random() < 0.04)

    def certificates(self) -> None:
        """A CE certificate for every passed result of the sessions from 2022 on."""
        numbers: set[str] = set()
        for result in self.results:
            session = str(result["session"])
            if not result["passed"] or int(session[:4]) < CERTIFICATES_FROM:
                continue
            issued = published_at(session).date()
            while True:
                number = f"{issued.year}/{self.rng.randrange(10**11, 10**12)}-{result['exam']}"
                if number not in numbers:
                    break
            numbers.add(number)
            self.documents.append(
                {
                    "number": number,
                    "kind": "ce_certificate",
                    "personal_code": result["personal_code"],
                    "session": session,
                    "exam": result["exam"],
                    "issued_on": issued.isoformat(),
                    "title": CERTIFICATE_TITLE,
                }
            )

    def language_document(self, person: Person, kind: str, issued: date) -> None:
        """A state-language proficiency decision or statement (no exam, no session)."""
        self._serial += self.rng.randint(1, 40)
        self.documents.append(
            {
                "number": f"{issued.year}/VVPP-{self._serial:06d}",
                "kind": kind,
                "personal_code": person.code,
                "issued_on": issued.isoformat(),
                "title": LANGUAGE_TITLES[kind],
            }
        )

    # --- the named families (RULES §3 on TODAY) -----------------------------------------------

    def named_families(self) -> None:
        """Fixed, memorable people; ``docs/demo-people.md`` lists them with what to expect."""
        sit = self.sit

        # A minor (16) with two parents with custody, and her adult brother (20): his parents
        # may no longer act for him. His 2022 certificates predate the EP226 cut-off; his
        # physics CE is failed (not in EP181, no certificate).
        anna = self.person("Anna", "Bērziņa", date(2010, 3, 14))
        janis = self.person("Jānis", "Bērziņš", date(2006, 8, 22))
        peteris = self.person("Pēteris", "Bērziņš", date(1978, 5, 2))
        ilze = self.person("Ilze", "Bērziņa", date(1980, 11, 19))
        for parent in (peteris, ilze):
            for child in (anna, janis):
                self.relate(parent, child, "parent", custody=True, valid_from=child.birth)
        for exam in ("LVA09", "MAT09", "FRA09"):
            sit(anna, "2026-P", exam, CESVAINE, 78)
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(janis, "2022-P", exam, CESVAINE, 70)
        for exam in ("LVA", "MAT", "ANG"):
            sit(janis, "2025-V", exam, RVG1, 70)
        sit(janis, "2025-V", "FIZ", RVG1, 70, fail=True)

        # A minor whose father's custody was removed by the orphan's court; the mother keeps it.
        liga = self.person("Līga", "Ozoliņa", date(2009, 9, 5))
        inese = self.person("Inese", "Ozoliņa", date(1981, 1, 27))
        andris = self.person("Andris", "Ozoliņš", date(1979, 7, 15))
        self.relate(inese, liga, "parent", custody=True, valid_from=liga.birth)
        self.relate(andris, liga, "parent", custody=False, valid_from=liga.birth)
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(liga, "2025-P", exam, "4213900089", 66)

        # A minor with a guardian (aizbildnis, his grandmother) and no parents in the register.
        martins = self.person("Mārtiņš", "Liepiņš", date(2010, 1, 20))
        mara = self.person("Māra", "Liepiņa", date(1958, 10, 3))
        self.relate(mara, martins, "guardian", custody=False, valid_from=date(2018, 6, 12))
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(martins, "2026-P", exam, "4113900058", 58)

        # An adult with a guardian of an adult (aizgādnis, his mother) valid now.
        eriks = self.person("Ēriks", "Šteins", date(2004, 6, 11))
        dace = self.person("Dace", "Šteina", date(1976, 2, 8))
        self.relate(dace, eriks, "parent", custody=True, valid_from=eriks.birth)
        self.relate(dace, eriks, "guardian_of_adult", custody=False, valid_from=date(2022, 9, 1))
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(eriks, "2020-P", exam, "4513900112", 55)
        for exam in ("LVA", "MAT", "ANG"):
            sit(eriks, "2023-V", exam, "4513900112", 55)

        # An adult whose aizgādnis (her aunt) was released by the court on 30 June 2024.
        eliza = self.person("Elīza", "Krūmiņa", date(1999, 12, 3))
        ruta = self.person("Rūta", "Krūmiņa", date(1971, 4, 22))
        self.relate(
            ruta,
            eliza,
            "guardian_of_adult",
            custody=False,
            valid_from=date(2018, 3, 1),
            valid_to=date(2024, 6, 30),
        )
        for exam in ("LVA09", "MAT09", "ANG09", "VES09"):
            sit(eliza, "2015-P", exam, "4313900140", 74)
        for exam in ("LVA", "MAT", "ANG", "BIO"):
            sit(eliza, "2018-V", exam, "4313900140", 74)

        # A minor (17) declared of age (married): counts as an adult, so her father is refused.
        katrina = self.person("Katrīna", "Zariņa", date(2009, 6, 2))
        katrina.declared_of_age = True
        gatis = self.person("Gatis", "Zariņš", date(1982, 12, 9))
        self.relate(gatis, katrina, "parent", custody=True, valid_from=katrina.birth)
        for exam in ("LVA09", "MAT09", "VAC09"):
            sit(katrina, "2025-P", exam, "4413900190", 81)

        # A minor with a new-format code and two parents; his only results are in the session
        # published after TODAY. His parents hold state-language documents (one before 2023).
        nikita = self.person("Ņikita", "Ivanovs", date(2011, 4, 18), new_code="329174-50831")
        jelena = self.person("Jeļena", "Ivanova", date(1985, 9, 30))
        dmitrijs = self.person("Dmitrijs", "Ivanovs", date(1983, 3, 11))
        for parent in (jelena, dmitrijs):
            self.relate(parent, nikita, "parent", custody=True, valid_from=nikita.birth)
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(nikita, FUTURE_SESSION, exam, "2713900215", 72)
        self.language_document(jelena, "language_decision", date(2024, 3, 15))
        self.language_document(dmitrijs, "language_statement", date(2022, 11, 10))

        # An adult with a new-format code.
        sofija = self.person("Sofija", "Vītola", date(2006, 1, 25), new_code="325512-80347")
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(sofija, "2022-P", exam, "3013900161", 85)
        for exam in ("LVA", "MAT", "ANG", "BIO"):
            sit(sofija, "2025-V", exam, "3013900161", 85)

        # Born on 29 February 2008: an adult since 1 March 2026, so his mother is refused now.
        roberts = self.person("Roberts", "Eglītis", date(2008, 2, 29))
        inga = self.person("Inga", "Eglīte", date(1983, 8, 17))
        self.relate(inga, roberts, "parent", custody=True, valid_from=roberts.birth)
        for exam in ("LVA09", "MAT09", "ANG09"):
            sit(roberts, "2024-P", exam, "4313900198", 63)

        # A minor who turns 18 on 5 December 2026, a week after TODAY.
        karlis = self.person("Kārlis", "Krastiņš", date(2008, 12, 5))
        laura = self.person("Laura", "Krastiņa", date(1986, 3, 30))
        self.relate(laura, karlis, "parent", custody=True, valid_from=karlis.birth)
        for exam in ("LVA09", "MAT09", "VAC09"):
            sit(karlis, "2024-P", exam, "4813900066", 69)

        # A valid code the register does not know: refused like a stranger when asked about.
        oskars = self.person("Oskars", "Dreimanis", date(1996, 5, 17))
        oskars.in_registry = False
        for exam in ("LVA09", "MAT09", "ANG09", "VES09"):
            sit(oskars, "2012-P", exam, "3113900077", 60)
        for exam in ("LVA", "MAT", "ANG"):
            sit(oskars, "2015-V", exam, "3113900077", 60)

        # A stranger: an adult related to no one, with his own state-language decision.
        aleksejs = self.person("Aleksejs", "Smirnovs", date(1970, 8, 30))
        self.language_document(aleksejs, "language_decision", date(2024, 5, 20))

        self.reserved_names = {(p.given_name, p.family_name) for p in self.persons.values()}

    # --- the random population ----------------------------------------------------------------

    def _name(self, male: bool, russian: bool, surname: tuple[str, str]) -> tuple[str, str]:
        pool = (RU_MALE if male else RU_FEMALE) if russian else (LV_MALE if male else LV_FEMALE)
        while True:
            name = (self.rng.choice(pool), surname[0] if male else surname[1])
            if name not in self.reserved_names:
                return name

    def random_family(self) -> None:
        """One to three children, one or two parents; some young parents with their own CEs."""
        rng = self.rng
        russian = rng.random() < 0.25
        surname = rng.choice(RU_SURNAMES if russian else LV_SURNAMES)
        young = rng.random() < 0.1
        if young:  # parents who sat exams themselves; children too young to, new codes
            mother_year = rng.randint(1991, 1995)
            first_child = mother_year + rng.randint(21, 25)
        else:
            first_child = rng.randint(1991, 2010)
            mother_year = first_child - rng.randint(22, 34)
        parents: list[Person] = []
        shape = rng.random()
        if shape > 0.08:  # mother
            given, family = self._name(False, russian, surname)
            parents.append(self.person(given, family, self._random_date(mother_year)))
        if shape < 0.92:  # father
            given, family = self._name(True, russian, surname)
            father_year = mother_year + rng.randint(-1, 5)
            parents.append(self.person(given, family, self._random_date(father_year)))
        no_custody = rng.choice(parents) if len(parents) == 2 and rng.random() < 0.05 else None
        year = first_child
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
            birth = self._random_date(year)
            given, family = self._name(rng.random() < 0.5, russian, surname)
            new = birth >= date(2017, 7, 1) or rng.random() < 0.04
            child = self.person(given, family, birth, new_code=self._new_digits() if new else None)
            for parent in parents:
                self.relate(
                    parent, child, "parent", custody=parent is not no_custody, valid_from=birth
                )
            self.school_career(child)
            year += rng.randint(1, 5)
            if year > 2019:
                break
        for parent in parents:
            if parent.birth.year >= 1991:
                self.school_career(parent)
            if russian and rng.random() < 0.4:
                kind = rng.choice(sorted(LANGUAGE_TITLES))
                issued = self._random_date(rng.randint(2019, 2026), TODAY - timedelta(days=7))
                self.language_document(parent, kind, issued)

    # --- output -------------------------------------------------------------------------------

    def demo_json(self) -> Json:
        """The import file (RULES §9), every list in a fixed order."""
        return {
            "sessions": [_session_json(code) for code in sorted(SESSIONS)],
            "exams": [
                {"code": e.code, "name": e.name, "parts": list(e.parts), "cefr": e.cefr}
                for e in sorted(EXAMS.values(), key=lambda e: e.code)
            ],
            "institutions": [
                {"code": code, "name": name} for code, name in sorted(INSTITUTIONS.items())
            ],
            "persons": [
                {"personal_code": p.code, "given_name": p.given_name, "family_name": p.family_name}
                for p in sorted(self.persons.values(), key=lambda p: p.code)
            ],
            "results": sorted(
                self.results,
                key=lambda r: (str(r["personal_code"]), str(r["session"]), str(r["exam"])),
            ),
            "documents": sorted(self.documents, key=lambda d: str(d["number"])),
        }

    def registry_json(self) -> Json:
        """The register fixture (RULES §10)."""
        return {
            "persons": [
                {
                    "personal_code": p.code,
                    "birth_date": p.birth.isoformat(),
                    "declared_of_age": p.declared_of_age,
                }
                for p in sorted(self.persons.values(), key=lambda p: p.code)
                if p.in_registry
            ],
            "relations": sorted(
                self.relations,
                key=lambda r: (str(r["subject"]), str(r["representative"]), str(r["kind"])),
            ),
        }


def _cefr(exam: Exam, total: float) -> str:
    bands = (
        ((70.0, "B2"), (40.0, "B1")) if exam.basic else ((80.0, "C1"), (50.0, "B2"), (30.0, "B1"))
    )
    return next((level for floor, level in bands if total >= floor), "A2")


def build(seed: int = SEED) -> tuple[Json, Json]:
    """The demo import file and the matching register fixture."""
    demo = _Demo(seed)
    demo.named_families()
    while len(demo.persons) < TARGET_PERSONS:
        demo.random_family()
    demo.certificates()
    return demo.demo_json(), demo.registry_json()


def _dump(data: Json) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def generate(out_dir: Path) -> None:
    """Write ``demo.json`` and ``registry.json`` into ``out_dir``."""
    demo, registry = build()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "demo.json").write_bytes(_dump(demo))
    (out_dir / "registry.json").write_bytes(_dump(registry))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: regenerate the demo data (by default into the package)."""
    parser = argparse.ArgumentParser(prog="python -m gateway.demo.generate", description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    args = parser.parse_args(argv)
    generate(args.out)
    sys.stdout.write(f"wrote {args.out / 'demo.json'} and {args.out / 'registry.json'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
