"""The school route's pages (RULES §12): a school administrator's graduates' certificates of a
session, one ``.edoc`` or all of them as one streamed ZIP, and the VIIS report as ``.xlsx``.

Who may: a signed-in e-journal account whose ID token named the institution among those it
administers (:mod:`gateway.portal.auth`); the institution travels in the query and must be one
of the session's. Each view decides through the services floor (:mod:`gateway.services.school`)
and the one audit step, with the staff member as the requester: the page and the report once
(their graduates as the record's further subjects), every certificate once, each before its
bytes leave (RULES §7).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, session
from werkzeug.exceptions import NotFound

from gateway.documents.issue import EDOC_MIME
from gateway.documents.zipstream import stream_zip
from gateway.domain.age import RIGA, riga_date
from gateway.errors import InvalidRequest, SchoolStaffOnly
from gateway.portal.student import attachment, home_url
from gateway.portal.texts import school_year
from gateway.portal.web import signed_in, web
from gateway.registry.redact import pseudonym
from gateway.reports.workbook import write_workbook
from gateway.services import school

log = logging.getLogger(__name__)

pages = Blueprint("school", __name__)

PAGE_SERVICE = "portal.school.list"
CERTIFICATE_SERVICE = "portal.school.certificate"
ZIP_SERVICE = "portal.school.zip"
REPORT_SERVICE = "portal.school.report"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = ("basic", "secondary")


def _institution(schools: list[str]) -> str:
    """The institution the request names (default: the first), if the user administers it."""
    wanted = request.args.get("institution", "")[:20] or schools[0]
    if wanted not in schools:
        raise NotFound()
    return wanted


def _report_parameters() -> tuple[date, str]:
    try:
        chosen = date.fromisoformat(request.args.get("date", "")[:10])
    except ValueError:
        raise InvalidRequest("report date") from None
    level = request.args.get("education", "")
    if level not in LEVELS or not 2000 <= chosen.year <= 2100:
        raise InvalidRequest("report parameters")
    return chosen, level


def staff_only(view: Callable[[str, str], Any]) -> Callable[[], Any]:
    """The view for a school administrator, called with (staff member, institution); home for
    nobody signed in, 403 for a student, 404 for an institution not theirs."""

    @functools.wraps(view)
    def checked() -> Any:
        digits = signed_in()
        if digits is None:
            return redirect(home_url())
        schools = session.get("schools")
        if not isinstance(schools, list) or not schools:
            raise SchoolStaffOnly("no school role")
        return view(digits, _institution(schools))

    return checked


@pages.get("/school")
@staff_only
def home(digits: str, institution: str) -> Any:
    portal = web()
    runtime = portal.runtime
    chosen = request.args.get("session", "")[:16] or None
    shown = portal.decide(PAGE_SERVICE, digits, lambda: school.school_page(
        runtime.engine, institution, chosen, runtime.clock()))
    schools = session.get("schools") or []
    return render_template(
        "school.html", shown=shown, schools=school.institution_names(runtime.engine, schools),
        today=riga_date(runtime.clock()), school_year=school_year, next_page="school",
        next_args={"institution": institution,
                   **({"session": shown.session.code} if shown.session else {})},
        provider=portal.provider(session.get("provider", "")))


@pages.get("/school/certificate")
@staff_only
def certificate(digits: str, institution: str) -> Any:
    portal = web()
    portal.limit(portal.school_downloads)
    runtime = portal.runtime
    number = request.args.get("number", "")[:64]
    found = portal.decide(CERTIFICATE_SERVICE, digits, lambda: school.school_certificate(
        runtime.engine, runtime.issuer, institution, number, runtime.clock()))
    return attachment(found.content, EDOC_MIME, found.file_name)


@pages.get("/school/certificates.zip")
@staff_only
def certificates_zip(digits: str, institution: str) -> Any:
    portal = web()
    portal.limit(portal.school_downloads)
    runtime = portal.runtime
    shown = school.school_page(runtime.engine, institution,
                               request.args.get("session", "")[:16] or None, runtime.clock())
    if shown.session is None or not shown.downloadable:
        raise NotFound()
    log.info("portal: %s downloads %d certificates of %s as a ZIP", pseudonym(digits),
             len(shown.downloadable), institution)

    def entries() -> Iterator[tuple[str, bytes]]:
        for batch in school.certificates_in_batches(runtime.engine, runtime.issuer,
                                                    shown.downloadable):
            portal.record(ZIP_SERVICE, digits, batch)  # committed before the batch is sent
            for item in batch:
                yield item.file_name, item.content

    modified = runtime.clock().astimezone(RIGA)
    name = f"{institution}-{shown.session.code}-sertifikati.zip"
    return Response(stream_zip(entries(), modified), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    direct_passthrough=True)


@pages.get("/school/report.xlsx")
@staff_only
def report(digits: str, institution: str) -> Any:
    portal = web()
    runtime = portal.runtime
    chosen, level = _report_parameters()
    now = runtime.clock()
    made = portal.decide(REPORT_SERVICE, digits, lambda: school.school_report(
        runtime.engine, institution, level, chosen, now))
    out = io.BytesIO()
    write_workbook(made.report, out, now)
    name = f"VIIS-{institution}-{level}-{chosen.isoformat()}.xlsx"
    return attachment(out.getvalue(), XLSX_MIME, name)
