"""What the portal decides for a signed-in student (RULES §11), without HTTP or audit writes:
each function returns its decision and the caller writes the audit record (RULES §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from gateway.documents.issue import DocumentIssuer, file_stem
from gateway.store import queries


@dataclass(frozen=True, slots=True)
class Certificate:
    """A downloaded certificate: the same sealed ``.edoc`` EP226 serves."""

    number: str
    file_name: str
    content: bytes


def student_results(engine: Engine, digits: str, now: datetime) -> list[queries.PortalRow]:
    """The student's own results the portal shows at ``now``."""
    with engine.connect() as conn:
        return queries.portal_results(conn, digits, now)


def student_certificate(engine: Engine, issuer: DocumentIssuer, digits: str, number: str,
                        now: datetime) -> Certificate | None:
    """The sealed certificate ``number`` if the results page would offer it to this student
    at ``now`` (own, passed, session shown); ``None`` otherwise (never "forbidden")."""
    offered = {r.certificate_number for r in student_results(engine, digits, now)}
    if number not in offered:
        return None
    return Certificate(number, f"{file_stem(number)}.edoc", issuer.edoc(engine, number))
