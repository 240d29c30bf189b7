"""The import of VISC's exam-processing data (RULES §9), with its decisions on appeals (§13).

The whole file is checked before anything is written: first against the JSON Schema in
``schemas/import.schema.json``, then against the rules a schema cannot say (valid personal
codes, references, parts of the exam, dates). A bad record refuses the whole file with a
message naming the record and the field. The writing is one transaction of bulk upserts by
natural keys, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from gateway.domain.documents import DocumentKind
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import ImportRejected, InvalidPersonalCode
from gateway.store import upsert
from gateway.store.appeal_decisions import (
    check_decisions,
    close_superseded_appeals,
    parse_decisions,
    write_decisions,
)
from gateway.store.import_schema import check_schema
from gateway.store.models import Document, Exam, ExamSession, Institution, Person
from gateway.store.supersession import check_supersessions

log = logging.getLogger(__name__)

SECTIONS = ("sessions", "exams", "institutions", "persons", "results", "documents", "appeals")
MAX_FILE_BYTES = 2 * 1024**3

_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,15}", re.ASCII)
_INSTITUTION = re.compile(r"[0-9]{1,20}", re.ASCII)
_NUMBER = re.compile(r"[0-9]{4}/[0-9A-Z-]{1,40}", re.ASCII)
_SCHOOL_YEAR = re.compile(r"([0-9]{4})/([0-9]{4})", re.ASCII)


@dataclass
class ImportSummary:
    """How many records the file held, and how many rows were inserted or changed."""

    records: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def describe(self) -> str:
        parts = [
            f"{name} {self.records.get(name, 0)} ({self.changed.get(name, 0)} new or changed)"
            for name in SECTIONS
        ]
        return "; ".join(parts) + f"; {self.seconds:.1f} s"


def _reject(section: str, index: int, fieldname: str | None, problem: str) -> ImportRejected:
    record = f"{section}[{index}]"
    where = f"{record}, field '{fieldname}'" if fieldname else record
    return ImportRejected(f"{where}: {problem}", record=record, field=fieldname)


def _aware_instant(value: str) -> datetime:
    instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        raise ValueError("no time zone")
    return instant


def _code_digits(section: str, index: int, fieldname: str, raw: str) -> str:
    try:
        return parse_personal_code(raw).digits
    except InvalidPersonalCode:
        raise _reject(section, index, fieldname, "not a valid personal code") from None


def _match(regex: re.Pattern[str], section: str, i: int, name: str, value: str) -> str:
    if not regex.fullmatch(value):
        raise _reject(section, i, name, "has characters or a form not allowed here")
    return value


def _unique(section: str, keys: Iterable[Any]) -> None:
    seen: dict[Any, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise _reject(section, index, None, f"repeats the record {section}[{seen[key]}]")
        seen[key] = index


class _Rows:
    """The file's records as table rows, checked against the rules a schema cannot say."""

    def __init__(self, doc: Mapping[str, Any], known: Mapping[str, Any]) -> None:
        self.sessions = [self._session(i, r) for i, r in enumerate(doc.get("sessions", []))]
        self.exams = [self._exam(i, r) for i, r in enumerate(doc.get("exams", []))]
        self.institutions = [
            {"code": _match(_INSTITUTION, "institutions", i, "code", r["code"]), "name": r["name"]}
            for i, r in enumerate(doc.get("institutions", []))
        ]
        self.persons = [
            {
                "personal_code": _code_digits("persons", i, "personal_code", r["personal_code"]),
                "given_name": r["given_name"],
                "family_name": r["family_name"],
            }
            for i, r in enumerate(doc.get("persons", []))
        ]
        _unique("sessions", (r["code"] for r in self.sessions))
        _unique("exams", (r["code"] for r in self.exams))
        _unique("institutions", (r["code"] for r in self.institutions))
        _unique("persons", (r["personal_code"] for r in self.persons))

        self.known = {
            "sessions": known["sessions"] | {r["code"] for r in self.sessions},
            "institutions": known["institutions"] | {r["code"] for r in self.institutions},
            "persons": known["persons"] | {r["personal_code"] for r in self.persons},
        }
        self.exam_by_code: dict[str, Mapping[str, Any]] = dict(known["exams"])
        self.exam_by_code.update({r["code"]: r for r in self.exams})

        self.results = [self._result(i, r) for i, r in enumerate(doc.get("results", []))]
        self.documents = [self._document(i, r) for i, r in enumerate(doc.get("documents", []))]
        _unique(
            "results",
            ((r["personal_code"], r["session_code"], r["exam_code"]) for r in self.results),
        )
        _unique("documents", (r["number"] for r in self.documents))

    def _session(self, i: int, r: Mapping[str, Any]) -> dict[str, Any]:
        year = _SCHOOL_YEAR.fullmatch(r["school_year"])
        if year is None or int(year.group(2)) != int(year.group(1)) + 1:
            raise _reject("sessions", i, "school_year", "must be two consecutive years, 2023/2024")
        try:
            published = _aware_instant(r["published_at"])
        except ValueError:
            raise _reject(
                "sessions", i, "published_at", "must be a date and time with a time zone"
            ) from None
        return {
            "code": _match(_CODE, "sessions", i, "code", r["code"]),
            "school_year": r["school_year"],
            "level": r["level"],
            "published_at": published,
        }

    def _exam(self, i: int, r: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "code": _match(_CODE, "exams", i, "code", r["code"]),
            "name": r["name"],
            "parts": list(r["parts"]),
            "cefr": r["cefr"],
        }

    def _ref(self, section: str, i: int, name: str, kind: str, value: str) -> str:
        if value not in self.known[kind]:
            raise _reject(section, i, name, f"refers to no known {kind[:-1]}")
        return value

    def _result(self, i: int, r: Mapping[str, Any]) -> dict[str, Any]:
        code = _code_digits("results", i, "personal_code", r["personal_code"])
        self._ref("results", i, "personal_code", "persons", code)
        self._ref("results", i, "session", "sessions", r["session"])
        exam = self.exam_by_code.get(r["exam"])
        if exam is None:
            raise _reject("results", i, "exam", "refers to no known exam")
        institution = r.get("institution")
        if institution is not None:
            self._ref("results", i, "institution", "institutions", institution)
        unknown = [name for name in r["parts"] if name not in exam["parts"]]
        if unknown:
            raise _reject("results", i, "parts", f"'{unknown[0]}' is not a part of the exam")
        if r.get("cefr_level") is not None and not exam["cefr"]:
            raise _reject("results", i, "cefr_level", "the exam has no CEFR level")
        parts = {name: float(r["parts"][name]) for name in exam["parts"] if name in r["parts"]}
        return {
            "personal_code": code,
            "session_code": r["session"],
            "exam_code": r["exam"],
            "institution_code": institution,
            "total_percent": float(r["total_percent"]),
            "passed": r["passed"],
            "cefr_level": r.get("cefr_level"),
            "parts": parts,
        }

    def _document(self, i: int, r: Mapping[str, Any]) -> dict[str, Any]:
        code = _code_digits("documents", i, "personal_code", r["personal_code"])
        self._ref("documents", i, "personal_code", "persons", code)
        session, exam = r.get("session"), r.get("exam")
        if r["kind"] == DocumentKind.CE_CERTIFICATE and (session is None or exam is None):
            raise _reject("documents", i, "session", "a CE certificate needs its session and exam")
        if session is not None:
            self._ref("documents", i, "session", "sessions", session)
        if exam is not None and exam not in self.exam_by_code:
            raise _reject("documents", i, "exam", "refers to no known exam")
        try:
            issued = date.fromisoformat(r["issued_on"])
        except ValueError:
            raise _reject("documents", i, "issued_on", "is not a date") from None
        return {
            "number": _match(_NUMBER, "documents", i, "number", r["number"]),
            "kind": r["kind"],
            "personal_code": code,
            "session_code": session,
            "exam_code": exam,
            "issued_on": issued,
            "title": r["title"],
            "status": r.get("status", "valid"),  # RULES §13; omitted: valid
            "supersedes": r.get("supersedes"),
        }


def _known_in_db(engine: Engine, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The reference codes the database already holds that the file refers to but lacks."""
    in_file = {
        "sessions": {r["code"] for r in doc.get("sessions", [])},
        "exams": {r["code"] for r in doc.get("exams", [])},
        "institutions": {r["code"] for r in doc.get("institutions", [])},
    }
    wanted: dict[str, set[str]] = {"sessions": set(), "exams": set(), "institutions": set()}
    for r in doc.get("results", []):
        wanted["sessions"].add(r["session"])
        wanted["exams"].add(r["exam"])
        if r.get("institution") is not None:
            wanted["institutions"].add(r["institution"])
    for r in doc.get("documents", []):
        for key, section in (("session", "sessions"), ("exam", "exams")):
            if r.get(key) is not None:
                wanted[section].add(r[key])
    missing = {k: v - in_file[k] for k, v in wanted.items()}
    known: dict[str, Any] = {
        "sessions": set(),
        "institutions": set(),
        "persons": set(),
        "exams": {},
    }
    with engine.connect() as conn:
        if missing["sessions"]:
            stmt = select(ExamSession.code).where(ExamSession.code.in_(missing["sessions"]))
            known["sessions"] = set(conn.scalars(stmt))
        if missing["institutions"]:
            stmt = select(Institution.code).where(Institution.code.in_(missing["institutions"]))
            known["institutions"] = set(conn.scalars(stmt))
        if missing["exams"]:
            stmt2 = select(Exam.code, Exam.parts, Exam.cefr).where(Exam.code.in_(missing["exams"]))
            known["exams"] = {
                c: {"code": c, "parts": p, "cefr": f} for c, p, f in conn.execute(stmt2)
            }
        codes = _person_refs(doc) - _file_persons(doc)
        if codes:
            found: set[str] = set()
            ordered = sorted(codes)
            for start in range(0, len(ordered), 5000):
                chunk = ordered[start : start + 5000]
                found |= set(
                    conn.scalars(
                        select(Person.personal_code).where(Person.personal_code.in_(chunk))
                    )
                )
            known["persons"] = found
    return known


def _digits_or_none(raw: str) -> str | None:
    try:
        return parse_personal_code(raw).digits
    except InvalidPersonalCode:
        return None


def _file_persons(doc: Mapping[str, Any]) -> set[str]:
    return {d for r in doc.get("persons", []) if (d := _digits_or_none(r["personal_code"]))}


def _person_refs(doc: Mapping[str, Any]) -> set[str]:
    refs = set()
    for section in ("results", "documents"):
        for r in doc.get(section, []):
            if (d := _digits_or_none(r["personal_code"])) is not None:
                refs.add(d)
    return refs


def _refuse_changes_to_sealed(engine: Engine, documents: list[dict[str, Any]]) -> None:
    """An issued, sealed e-document never changes: refuse an import that would change one."""
    by_number = {d["number"]: (i, d) for i, d in enumerate(documents)}
    compared = ("kind", "personal_code", "session_code", "exam_code", "issued_on", "title")
    with engine.connect() as conn:
        rows = conn.execute(
            select(Document.number, *(getattr(Document, c) for c in compared)).where(
                Document.sealed_at.is_not(None)
            )
        )
        for number, *values in rows:
            if number not in by_number:
                continue
            index, new = by_number[number]
            for name, old in zip(compared, values, strict=True):
                if new[name] != old:
                    raise _reject(
                        "documents",
                        index,
                        name,
                        "the document is already issued and sealed; it cannot change",
                    )


def load_document(path: Path) -> Any:
    """Read an import file as JSON (UTF-8), refusing files too large or not JSON."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportRejected(f"file: larger than {MAX_FILE_BYTES} bytes")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportRejected(f"file: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"file: not JSON (line {exc.lineno}, column {exc.colno})") from None


def import_document(engine: Engine, doc: Any) -> ImportSummary:
    """Check ``doc`` as a whole, then upsert all of it in one transaction."""
    import time

    started = time.perf_counter()
    check_schema(doc)
    rows = _Rows(doc, _known_in_db(engine, doc))
    _refuse_changes_to_sealed(engine, rows.documents)
    check_supersessions(engine, rows.documents)
    decisions = check_decisions(engine, parse_decisions(doc.get("appeals", [])), rows.documents)
    summary = ImportSummary(records={name: len(doc.get(name, [])) for name in SECTIONS})
    with engine.begin() as conn:
        summary.changed = upsert.write_all(conn, rows)
        summary.changed["appeals"] = write_decisions(conn, decisions)
        close_superseded_appeals(conn, rows.documents)
    summary.seconds = time.perf_counter() - started
    # DEBUG: the caller shows the summary (`gateway import` prints it; issue 24: twice)
    log.debug("import: %s", summary.describe())
    return summary


def import_file(engine: Engine, path: Path) -> ImportSummary:
    """``gateway import FILE``: load one import file as a whole or not at all."""
    return import_document(engine, load_document(path))
