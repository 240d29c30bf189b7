"""The school route's pages (RULES §12): a school administrator's graduates' certificates of a
session, one ``.edoc`` or all of them as one streamed ZIP, and the VIIS report as ``.xlsx``.

Who may: a signed-in e-journal account whose ID token named the institution among those it
administers (:mod:`gateway.portal.auth`); the institution travels in the query and must be one
of the session's. Everything shown or handed out is audited with the staff member as the
requester: the page and the report once (their graduates as the record's further subjects),
every certificate once, each before its bytes leave (RULES §7).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask, Response, g, redirect, render_template, request, session, url_for

from gateway.documents.issue import EDOC_MIME
from gateway.documents.workbook import write_workbook
from gateway.documents.zipstream import stream_zip
from gateway.domain.age import RIGA, riga_date
from gateway.portal import school
from gateway.portal.texts import school_year
from gateway.portal.views import Portal, page, signed_in
from gateway.registry.redact import pseudonym

log = logging.getLogger(__name__)

PAGE_SERVICE = "portal.school.list"
CERTIFICATE_SERVICE = "portal.school.certificate"
ZIP_SERVICE = "portal.school.zip"
REPORT_SERVICE = "portal.school.report"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = ("basic", "secondary")


def _institution(schools: list[str]) -> str | None:
    """The institution the request names (default: the first), if the user administers it."""
    wanted = request.args.get("institution", "")[:20] or schools[0]
    return wanted if wanted in schools else None


def _report_parameters() -> tuple[date, str] | None:
    try:
        chosen = date.fromisoformat(request.args.get("date", "")[:10])
    except ValueError:
        return None
    level = request.args.get("education", "")
    if level not in LEVELS or not 2000 <= chosen.year <= 2100:
        return None
    return chosen, level


def register_school(app: Flask, portal: Portal) -> None:
    """Add the school route's pages."""
    runtime = portal.runtime

    def staff_only(view: Callable[[str, str], Any]) -> Callable[[], Any]:
        """The view for a school administrator, called with (staff member, institution);
        home for nobody signed in, 403 for a student, 404 for an institution not theirs."""

        @functools.wraps(view)
        def checked() -> Any:
            digits = signed_in()
            if digits is None:
                return redirect(url_for("home"))
            schools = session.get("schools")
            if not isinstance(schools, list) or not schools:
                return page(403, "school_only_title", "school_only_text")
            institution = _institution(schools)
            if institution is None:
                return page(404, "not_found_title", "not_found_text")
            return view(digits, institution)

        return checked

    @app.get("/school")
    @staff_only
    def school_home(digits: str, institution: str) -> Any:
        shown = school.school_page(runtime.engine, institution,
                                   request.args.get("session", "")[:16] or None, runtime.clock())
        if shown is None:
            return page(404, "not_found_title", "not_found_text")
        portal.record(portal.entry(PAGE_SERVICE, digits, "allowed", shown.reason,
                                   shown.documents, subject=None, subjects=shown.subjects))
        today = riga_date(runtime.clock())
        return render_template(
            "school.html", shown=shown, schools=session.get("schools"), today=today,
            school_year=school_year, next_page="school",
            provider=portal.provider(session.get("provider", "")))

    @app.get("/school/certificate")
    @staff_only
    def school_certificate(digits: str, institution: str) -> Any:
        if not portal.school_downloads.allow(g.client):
            return page(429, "rate_title", "rate_text")
        number = request.args.get("number", "")[:64]
        found = school.school_certificate(runtime.engine, runtime.issuer, institution, number,
                                          runtime.clock())
        if found is None:
            portal.record(portal.entry(CERTIFICATE_SERVICE, digits, "refused",
                                       "DocumentNotFound", subject=None))
            return page(404, "not_found_title", "not_found_text")
        portal.record(portal.entry(CERTIFICATE_SERVICE, digits, "allowed", found.reason,
                                   found.documents, subject=found.certificate.personal_code))
        return Response(found.content, mimetype=EDOC_MIME, headers={
            "Content-Disposition": f'attachment; filename="{found.file_name}"'})

    @app.get("/school/certificates.zip")
    @staff_only
    def school_zip(digits: str, institution: str) -> Any:
        if not portal.school_downloads.allow(g.client):
            return page(429, "rate_title", "rate_text")
        code = request.args.get("session", "")[:16]
        shown = school.school_page(runtime.engine, institution, code or None, runtime.clock())
        if shown is None or shown.session is None or not shown.downloadable:
            return page(404, "not_found_title", "not_found_text")
        log.info("portal: %s downloads %d certificates of %s as a ZIP", pseudonym(digits),
                 len(shown.downloadable), institution)

        def entries() -> Any:
            for batch in school.certificates_in_batches(runtime.engine, runtime.issuer,
                                                        shown.downloadable):
                portal.record(*(
                    portal.entry(ZIP_SERVICE, digits, "allowed", item.reason, item.documents,
                                 subject=item.certificate.personal_code)
                    for item in batch))
                for item in batch:
                    yield item.file_name, item.content

        modified = runtime.clock().astimezone(RIGA)
        name = f"{institution}-{shown.session.code}-sertifikati.zip"
        return Response(stream_zip(entries(), modified), mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'},
                        direct_passthrough=True)

    @app.get("/school/report.xlsx")
    @staff_only
    def school_report(digits: str, institution: str) -> Any:
        parameters = _report_parameters()
        if parameters is None:
            return page(400, "report_invalid_title", "report_invalid_text")
        chosen, level = parameters
        now = runtime.clock()
        made = school.school_report(runtime.engine, institution, level, chosen, now)
        out = io.BytesIO()
        write_workbook(made.report, out, now)
        portal.record(portal.entry(REPORT_SERVICE, digits, "allowed", made.reason,
                                   subject=None, subjects=made.subjects))
        name = f"VIIS-{institution}-{level}-{chosen.isoformat()}.xlsx"
        return Response(out.getvalue(), mimetype=XLSX_MIME, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
