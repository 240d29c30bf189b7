"""What the school route decides for a signed-in school administrator (RULES §12).

Each function returns its decision (a :class:`~gateway.services.decision.Decided`) or raises an
error of :mod:`gateway.errors`; the route audits either through :mod:`gateway.services.audited`,
one record per document handed out (RULES §7).

The e-journal vouches for the staff member and for the institutions they administer; the
caller passes only an institution of that list. Everything here is that institution's own
graduates' and published sessions' only; anything else is "not found".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from gateway.documents.issue import DocumentIssuer, file_stem
from gateway.errors import DocumentNotFound, InstitutionNotFound
from gateway.services.access_log import SCHOOL_STAFF
from gateway.services.decision import Decided
from gateway.services.report import InstitutionResults, institution_results
from gateway.store import school
from gateway.store.db import reading
from gateway.store.report import institution_name

ZIP_BATCH = 25
"""Certificates sealed (or read) and audited together before their bytes are sent."""


@dataclass(frozen=True, slots=True)
class SchoolPage(Decided):
    """The school page: the institution, its sessions, and one session's certificates."""

    institution: str
    institution_name: str
    sessions: list[school.SchoolSession]
    session: school.SchoolSession | None
    certificates: list[school.GraduateCertificate]
    reason: str = SCHOOL_STAFF

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(c.number for c in self.certificates)

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.personal_code for c in self.certificates))

    @property
    def downloadable(self) -> list[school.GraduateCertificate]:
        """The certificates that may be downloaded (not superseded or revoked, RULES §13)."""
        return [c for c in self.certificates if c.downloadable]


def institution_names(engine: Engine, codes: list[str]) -> dict[str, str]:
    """The names of the institutions ``codes`` (a school administrator's, from the e-journal's
    signed claim), in that order; a code the data does not know keeps the code as its name."""
    with reading(engine) as conn:
        return {code: institution_name(conn, code) or code for code in codes}


@dataclass(frozen=True, slots=True)
class SchoolCertificate(Decided):
    """One graduate's sealed certificate, the same ``.edoc`` EP226 serves."""

    certificate: school.GraduateCertificate
    file_name: str
    content: bytes
    reason: str = SCHOOL_STAFF

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.certificate.number,)

    @property
    def subject_code(self) -> str:
        return self.certificate.personal_code


def school_page(engine: Engine, institution: str, session_code: str | None, now: datetime
                ) -> SchoolPage:
    """The page of ``institution`` at ``now`` with ``session_code``'s certificates (the
    newest session when ``None``); "not found" for an unknown institution or a session that
    is not one of its published sessions."""
    with reading(engine) as conn:
        name = institution_name(conn, institution)
        if name is None:
            raise InstitutionNotFound("unknown")
        sessions = school.school_sessions(conn, institution, now)
        if session_code is None:
            chosen = sessions[0] if sessions else None
        else:
            chosen = next((s for s in sessions if s.code == session_code), None)
            if chosen is None:
                raise DocumentNotFound("not a published session of the institution")
        certificates = ([] if chosen is None else
                        school.school_certificates(conn, institution, chosen.code, now))
    return SchoolPage(institution, name, sessions, chosen, certificates)


def school_certificate(engine: Engine, issuer: DocumentIssuer, institution: str, number: str,
                       now: datetime) -> SchoolCertificate:
    """The sealed certificate ``number`` if it is a downloadable certificate of the
    institution's graduates at ``now``; "not found" otherwise (never "forbidden")."""
    with reading(engine) as conn:
        found = school.school_certificate(conn, institution, number, now)
    if found is None or not found.downloadable:
        raise DocumentNotFound("not the institution's downloadable certificate")
    return SchoolCertificate(found, f"{file_stem(number)}.edoc", issuer.edoc(engine, number))


def certificates_in_batches(engine: Engine, issuer: DocumentIssuer,
                            certificates: list[school.GraduateCertificate]
                            ) -> Iterator[list[SchoolCertificate]]:
    """The sealed certificates of ``certificates`` (checked by :func:`school_page`), a batch
    of :data:`ZIP_BATCH` at a time: the caller audits a batch before it sends it."""
    for start in range(0, len(certificates), ZIP_BATCH):
        yield [
            SchoolCertificate(c, f"{file_stem(c.number)}.edoc", issuer.edoc(engine, c.number))
            for c in certificates[start:start + ZIP_BATCH]
        ]


@dataclass(frozen=True, slots=True)
class SchoolReport(Decided):
    """The VIIS report for the school's staff: every person in it is a subject."""

    report: InstitutionResults
    reason: str = SCHOOL_STAFF

    @property
    def subjects(self) -> tuple[str, ...]:
        return self.report.subjects


def school_report(engine: Engine, institution: str, level: str, selection_date: date,
                  now: datetime) -> SchoolReport:
    """The VIIS report of the institution (RULES §12): the same rows VIIS fetches."""
    return SchoolReport(institution_results(engine, institution, level, selection_date, now))
