"""The simulator's e-journal accounts, built from the demo data: every demo person with a
result gets a login ``givenname.familyname`` (Latvian letters folded to ASCII; a number added
on a clash), the school staff of :data:`~gateway.demo.DEMO_STAFF` theirs, each a school
administrator of their institutions (RULES §12); all with the password :data:`DEMO_PASSWORD`."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gateway.demo import DEMO_DATA, DEMO_STAFF

DEMO_PASSWORD = "demo"  # noqa: S105  (the simulator's only password; it has no real accounts)


@dataclass(frozen=True, slots=True)
class Account:
    """One e-journal account: the login and whom it belongs to."""

    login: str
    personal_code: str  # DDMMYY-NNNNN, as the e-journal vouches for it
    given_name: str
    family_name: str
    schools: tuple[str, ...] = ()
    """Institution codes whose school administrator this account is (staff only)."""


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def accounts_from_demo(path: Path) -> dict[str, Account]:
    """The accounts of an import file's students (RULES §9), by login."""
    data = json.loads(path.read_text(encoding="utf-8"))
    students = {r["personal_code"] for r in data["results"]}
    accounts: dict[str, Account] = {}
    for person in data["persons"]:
        code = person["personal_code"]
        if code not in students:
            continue
        base = f"{_fold(person['given_name'])}.{_fold(person['family_name'])}"
        login, n = base, 1
        while login in accounts:
            n += 1
            login = f"{base}{n}"
        accounts[login] = Account(login, code, person["given_name"], person["family_name"])
    return accounts


def staff_accounts(path: Path) -> dict[str, Account]:
    """The school staff accounts of a staff file (:data:`~gateway.demo.DEMO_STAFF`), by login."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        s["login"]: Account(s["login"], s["personal_code"], s["given_name"], s["family_name"],
                            tuple(s["schools"]))
        for s in data["staff"]
    }


def demo_accounts() -> dict[str, Account]:
    """Every account of the demo: its students and its school staff."""
    students = accounts_from_demo(DEMO_DATA)
    staff = staff_accounts(DEMO_STAFF)
    clash = students.keys() & staff.keys()
    if clash:
        raise ValueError(f"staff logins clash with students': {sorted(clash)}")
    return students | staff
