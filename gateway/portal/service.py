"""What the portal decides for a signed-in student (RULES §11), without HTTP or audit writes:
each function returns its decision (a :class:`~gateway.services.decision.Decided`) and the
caller writes the audit record (RULES §7). The student is always the subject: ``reason`` is
``self``, the e-journal having vouched for who they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from gateway.documents.issue import DocumentIssuer, file_stem
from gateway.domain.mandate import Reason
from gateway.services.decision import Decided
from gateway.store import queries
from gateway.store.db import reading


@dataclass(frozen=True, slots=True)
class StudentResults(Decided):
    """The results page: the rows, and the certificates it offers."""

    rows: list[queries.PortalRow]
    reason: Reason = Reason.SELF

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(r.certificate_number for r in self.rows if r.certificate_number)


@dataclass(frozen=True, slots=True)
class Certificate(Decided):
    """A downloaded certificate: the same sealed ``.edoc`` EP226 serves."""

    number: str
    file_name: str
    content: bytes
    reason: Reason = Reason.SELF

    @property
    def documents(self) -> tuple[str, ...]:
        return (self.number,)


def student_results(engine: Engine, digits: str, now: datetime) -> StudentResults:
    """The student's own results the portal shows at ``now``."""
    with reading(engine) as conn:
        return StudentResults(queries.portal_results(conn, digits, now))


def student_certificate(engine: Engine, issuer: DocumentIssuer, digits: str, number: str,
                        now: datetime) -> Certificate | None:
    """The sealed certificate ``number`` if the results page would offer it to this student
    at ``now`` (own, passed, session shown, neither superseded nor revoked: RULES §13);
    ``None`` otherwise (never "forbidden")."""
    rows = student_results(engine, digits, now).rows
    if not any(r.certificate_number == number and r.downloadable for r in rows):
        return None
    return Certificate(number, f"{file_stem(number)}.edoc", issuer.edoc(engine, number))
