"""What the eksameni.gov.lv portal decides for a signed-in student (RULES §11).

The student is always the subject: the e-journal vouched for who they are, so ``reason`` is
``self``. Each function returns its decision (a :class:`~gateway.services.decision.Decided`)
or raises an error of :mod:`gateway.errors`; the route audits either through
:mod:`gateway.services.audited`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from gateway.documents.issue import DocumentIssuer, file_stem
from gateway.domain.mandate import Reason
from gateway.errors import DocumentNotFound
from gateway.services.decision import Decided
from gateway.store import queries
from gateway.store.db import reading


@dataclass(frozen=True, slots=True)
class StudentResults(Decided):
    """The results page: the rows, and the certificates it offers."""

    student: str
    rows: list[queries.PortalRow]
    reason: Reason = Reason.SELF

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(r.certificate_number for r in self.rows if r.certificate_number)

    @property
    def subject_code(self) -> str:
        return self.student


@dataclass(frozen=True, slots=True)
class Certificate(Decided):
    """A downloaded certificate: the same sealed ``.edoc`` EP226 serves."""

    student: str
    number: str
    file_name: str
    content: bytes
    reason: Reason = Reason.SELF

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.number,)

    @property
    def subject_code(self) -> str:
        return self.student


def student_results(engine: Engine, digits: str, now: datetime) -> StudentResults:
    """The student's own results the portal shows at ``now``."""
    with reading(engine) as conn:
        return StudentResults(digits, queries.portal_results(conn, digits, now))


def student_certificate(engine: Engine, issuer: DocumentIssuer, digits: str, number: str,
                        now: datetime) -> Certificate:
    """The sealed certificate ``number`` if the results page offers it to this student at
    ``now`` (own, passed, session shown, neither superseded nor revoked: RULES §13); else
    :class:`DocumentNotFound` (never "forbidden")."""
    rows = student_results(engine, digits, now).rows
    if not any(r.certificate_number == number and r.downloadable for r in rows):
        raise DocumentNotFound("not offered")
    return Certificate(digits, number, f"{file_stem(number)}.edoc", issuer.edoc(engine, number))
