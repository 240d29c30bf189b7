"""Generate a national-size import file (RULES §9) for benchmarks.

One school year of a whole country: by default 35,000 students, four results each with their
parts (140,000 results) and a certificate per result (140,000 documents). Deterministic for a
given seed. Personal codes are valid old-format codes.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gateway.domain.personal_code import check_digit

LANG_PARTS = ["Klausīšanās", "Lasīšana", "Rakstīšana", "Runāšana"]
EXAMS = [
    {"code": "LVA", "name": "Centralizētais eksāmens latviešu valodā", "parts": LANG_PARTS,
     "cefr": False},
    {"code": "MAT", "name": "Centralizētais eksāmens matemātikā",
     "parts": ["1. daļa", "2. daļa", "3. daļa"], "cefr": False},
    {"code": "ANG", "name": "Centralizētais eksāmens angļu valodā", "parts": LANG_PARTS,
     "cefr": True},
    {"code": "VES", "name": "Centralizētais eksāmens vēsturē", "parts": ["1. daļa", "2. daļa"],
     "cefr": False},
]
GIVEN = ["Anna", "Jānis", "Līga", "Mārtiņš", "Elīza", "Ēriks", "Katrīna", "Roberts", "Zane",
         "Kārlis", "Sofija", "Dāvis", "Alise", "Artūrs", "Ieva", "Gustavs"]
FAMILY = ["Bērziņa", "Kalniņš", "Ozoliņa", "Liepiņš", "Krūmiņa", "Jansons", "Vītola", "Zariņš",
          "Kļaviņa", "Pētersons", "Šteina", "Ābele", "Grīnbergs", "Čakste", "Ņikitina"]


def personal_code(birth: date, serial: int) -> str:
    century = {18: "0", 19: "1", 20: "2"}[birth.year // 100]
    first_ten = f"{birth:%d%m}{birth.year % 100:02d}{century}{serial % 1000:03d}"
    return f"{first_ten[:6]}-{first_ten[6:]}{check_digit(first_ten)}"


def generate(students: int = 35_000, seed: int = 2024, *, year: int = 2024,
             level: str = "secondary", with_documents: bool = True) -> dict[str, Any]:
    """One cohort's exams in one session of ``year`` (school year ``year-1/year``)."""
    rng = random.Random(seed)
    suffix, day, age = ("V", 11, 19) if level == "secondary" else ("P", 1, 16)
    session_code = f"{year}-{suffix}"
    session = {"code": session_code, "school_year": f"{year - 1}/{year}", "level": level,
               "published_at": f"{year}-07-{day:02d}T08:00:00+03:00"}
    institutions = [{"code": f"{4400000000 + i * 137}", "name": f"Vidusskola Nr. {i + 1}"}
                    for i in range(400)]
    persons: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    used: set[str] = set()
    start = date(year - age, 1, 1)
    for n in range(students):
        while True:
            birth = start + timedelta(days=rng.randrange(730))
            code = personal_code(birth, rng.randrange(1000))
            if code not in used:
                used.add(code)
                break
        persons.append({"personal_code": code, "given_name": rng.choice(GIVEN),
                        "family_name": rng.choice(FAMILY)})
        school = institutions[n % len(institutions)]["code"]
        for exam in EXAMS:
            parts = {p: round(rng.uniform(5, 100), 1) for p in exam["parts"]}
            total = round(sum(parts.values()) / len(parts), 1)
            passed = total >= 5.0
            results.append({
                "personal_code": code, "session": session_code, "exam": exam["code"],
                "institution": school, "total_percent": total, "passed": passed,
                "cefr_level": ("B2" if total >= 60 else "B1") if exam["cefr"] else None,
                "parts": parts,
            })
            if with_documents and passed:
                documents.append({
                    "number": f"{year}/{code.replace('-', '')}{n % 10}-{exam['code']}",
                    "kind": "ce_certificate", "personal_code": code,
                    "session": session_code, "exam": exam["code"],
                    "issued_on": f"{year}-07-{day:02d}",
                    "title": "Centralizētā eksāmena sertifikāts",
                })
    return {"sessions": [session], "exams": EXAMS, "institutions": institutions,
            "persons": persons, "results": results, "documents": documents}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=35_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    args.out.write_text(json.dumps(generate(args.students, args.seed), ensure_ascii=False),
                        encoding="utf-8")


if __name__ == "__main__":
    main()
