"""What is visible, written once as SQL (RULES §4, §5, §11, §12, §13).

Every query of the store that shows or hands out results or documents composes the expressions
here instead of restating a rule: the publication instant, the routes' cut-offs, a document's
issue date, the certificate's status and the institution. Each is the SQL form of a pure rule
of :mod:`gateway.domain.publication` or :mod:`gateway.domain.certificate_status`, and
``tests/store/test_visibility.py`` holds the two to agree on SQLite and PostgreSQL.

The expressions bind the instant of the question as ``now`` and its Riga date as ``today``
(:func:`at` makes both from one aware instant); the school route and VIIS bind ``institution``,
the VIIS report ``day_end`` (:func:`report_day`), the portal ``sessions``
(:func:`portal_sessions`). Each function takes the entity to speak of, so that an aliased table
(a successor document, say) can be asked the same question.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    String,
    and_,
    bindparam,
    case,
    exists,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from gateway.domain.age import riga_date
from gateway.domain.certificate_status import CertificateStatus
from gateway.domain.documents import AppealStatus, DocumentKind
from gateway.domain.publication import (
    EP181_FIRST_SCHOOL_YEAR,
    EP226_FIRST_ISSUE_DATE,
    is_portal_visible,
    riga_day_end,
)
from gateway.store.models import Appeal, Document, ExamSession, Result
from gateway.store.types import UtcDateTime

__all__ = [
    "appeal_open", "at", "certifies", "current", "downloadable", "ep181_years", "ep226_issues",
    "in_portal_window", "in_report", "issued", "of_institution", "passed_certificate",
    "portal_sessions", "published", "report_day", "status", "superseded_by",
]

# Entities the callers pass: the mapped classes or aliases of them.
_Session = Any
_Document = Any
_Result = Any

NOW = bindparam("now", type_=UtcDateTime())
TODAY = bindparam("today", type_=Date())
DAY_END = bindparam("day_end", type_=UtcDateTime())
INSTITUTION: BindParameter[str] = bindparam("institution", type_=String())


def at(now: datetime) -> dict[str, Any]:
    """The parameters ``now`` and ``today`` (its Riga date) for an aware instant."""
    return {"now": now, "today": riga_date(now)}


def report_day(selection_date: date) -> dict[str, Any]:
    """The parameter ``day_end`` of a VIIS report's selection date (RULES §12)."""
    return {"day_end": riga_day_end(selection_date)}


# --- publication (RULES §5) and the cut-offs (RULES §4, §11, §12) ---------------------------

def published(session: _Session = ExamSession) -> ColumnElement[bool]:
    """The session is published at ``now`` (:func:`~gateway.domain.publication.is_published`)."""
    condition: ColumnElement[bool] = session.published_at <= NOW
    return condition


def in_report(session: _Session = ExamSession) -> ColumnElement[bool]:
    """The VIIS report of ``day_end``'s date made at ``now`` holds the session
    (:func:`~gateway.domain.publication.is_in_report`)."""
    return and_(published(session), session.published_at < DAY_END)


def ep181_years(session: _Session = ExamSession) -> ColumnElement[bool]:
    """School year 2010/2011 or later (:func:`~gateway.domain.publication.in_ep181_years`).

    School years are written ``YYYY/YYYY`` (the import refuses anything else), so they order
    as text."""
    condition: ColumnElement[bool] = session.school_year >= EP181_FIRST_SCHOOL_YEAR
    return condition


def ep226_issues(document: _Document = Document) -> ColumnElement[bool]:
    """Issued on or after 1 January 2023 (:func:`~gateway.domain.publication.in_ep226_issues`)."""
    condition: ColumnElement[bool] = document.issued_on >= EP226_FIRST_ISSUE_DATE
    return condition


def issued(document: _Document = Document) -> ColumnElement[bool]:
    """The document's issue date has come in Riga at ``now``
    (:func:`~gateway.domain.publication.is_issued`)."""
    condition: ColumnElement[bool] = document.issued_on <= TODAY
    return condition


def in_portal_window(session: _Session = ExamSession) -> ColumnElement[bool]:
    """One of ``sessions``, the list :func:`portal_sessions` made for ``now``."""
    condition: ColumnElement[bool] = session.code.in_(bindparam("sessions", expanding=True))
    return condition


_SESSIONS = select(ExamSession.code, ExamSession.published_at).where(published())


def portal_sessions(conn: Connection, now: datetime) -> list[str]:
    """The sessions the portal shows at ``now``: published at most six months ago (RULES §11).

    Six calendar months in Riga wall time has no portable SQL; the sessions table is small (two
    a year), so the published ones are read and the rule is applied as the domain states it
    (:func:`~gateway.domain.publication.is_portal_visible`). Bind the list as ``sessions``.
    """
    return [code for code, when in conn.execute(_SESSIONS, at(now))
            if is_portal_visible(when, now)]


# --- the institution (RULES §12) ------------------------------------------------------------

def of_institution(result: _Result = Result) -> ColumnElement[bool]:
    """The result was taken at ``institution`` (the school route, the VIIS report)."""
    condition: ColumnElement[bool] = result.institution_code == INSTITUTION
    return condition


# --- which result a certificate certifies ---------------------------------------------------

def certifies(document: _Document = Document, result: _Result = Result) -> ColumnElement[bool]:
    """``document`` is the certificate of ``result``: same person, session and exam."""
    return and_(result.personal_code == document.personal_code,
                result.session_code == document.session_code,
                result.exam_code == document.exam_code)


def passed_certificate(document: _Document = Document) -> ColumnElement[bool]:
    """Not a certificate, or the certificate of a passed exam (RULES §4: a CE certificate is
    shown only for a passed exam; language documents have no result)."""
    return or_(document.kind != DocumentKind.CE_CERTIFICATE,
               exists().where(certifies(document, Result), Result.passed.is_(True)))


# --- the certificate's status (RULES §13) ---------------------------------------------------

def superseded_by(document: _Document = Document) -> ColumnElement[str | None]:
    """The number of the certificate that supersedes ``document``, or NULL."""
    successor = aliased(Document, name="successor")
    return (select(successor.number).where(successor.supersedes == document.number)
            .correlate(document).scalar_subquery())


def current(document: _Document = Document) -> ColumnElement[bool]:
    """No certificate supersedes ``document``: the one a result is shown with."""
    successor = aliased(Document, name="successor")
    return ~exists().where(successor.supersedes == document.number)


def appeal_open(document: _Document = Document) -> ColumnElement[bool]:
    """An appeal against ``document`` is open (at most one is, ``uq_appeals_open``)."""
    return exists().where(Appeal.document_number == document.number,
                          Appeal.status == AppealStatus.OPEN)


def status(document: _Document = Document) -> ColumnElement[str]:
    """The status shown: revoked over superseded over under appeal over valid
    (:func:`~gateway.domain.certificate_status.effective_status`)."""
    return case(
        (document.status == CertificateStatus.REVOKED.value,
         literal(CertificateStatus.REVOKED.value)),
        (~current(document), literal(CertificateStatus.SUPERSEDED.value)),
        (appeal_open(document), literal(CertificateStatus.UNDER_APPEAL.value)),
        else_=literal(CertificateStatus.VALID.value),
    )


def downloadable(document: _Document = Document) -> ColumnElement[bool]:
    """Neither revoked nor superseded (:func:`~gateway.domain.certificate_status.downloadable`)."""
    return and_(document.status != CertificateStatus.REVOKED.value, current(document))
