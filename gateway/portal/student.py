"""The signed-in student's pages (RULES §11): their results of the last six months, the
certificate download and "Kas skatījās manus datus" / "Who looked at my data" (RULES §13). Each
view reads its input, decides through the services floor (:mod:`gateway.services.student`,
:mod:`gateway.services.access_log`) and the one audit step (:meth:`Web.decide`), and renders."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, session, url_for

from gateway.documents.issue import EDOC_MIME
from gateway.domain.age import RIGA, riga_date
from gateway.domain.personal_code import parse_personal_code
from gateway.portal.texts import school_year
from gateway.portal.web import signed_in, web
from gateway.services import student
from gateway.services.access_log import MAX_DAYS, Period, own_access_log
from gateway.store.access_log import PageToken

pages = Blueprint("student", __name__)

RESULTS_SERVICE = "portal.results"
DOWNLOAD_SERVICE = "portal.certificate"
ACCESS_LOG_SERVICE = "portal.access_log"
ACCESS_LOG_DAYS = MAX_DAYS - 35
"""How far back the access log page looks: a year (within ``getAccessLog``'s longest period)."""
ACCESS_LOG_PAGE_SIZE = 50


def student_only(view: Callable[[str], Any]) -> Callable[[], Any]:
    """The view for a signed-in person, called with their 11 digits; home for nobody."""

    @functools.wraps(view)
    def checked() -> Any:
        digits = signed_in()
        if digits is None:
            return redirect(home_url())
        return view(digits)

    return checked


def home_url() -> str:
    """Home, saying why when a session just ended."""
    return url_for("sign_in.home", expired="1" if g.get("expired") else None)


def attachment(content: bytes, mime_type: str, file_name: str) -> Response:
    """A download."""
    return Response(content, mimetype=mime_type, headers={
        "Content-Disposition": f'attachment; filename="{file_name}"'})


@pages.get("/results")
@student_only
def results(digits: str) -> Any:
    portal = web()
    shown = portal.decide(RESULTS_SERVICE, digits, lambda: student.student_results(
        portal.runtime.engine, digits, portal.runtime.clock()))
    return render_template("results.html", rows=shown.rows, school_year=school_year,
                           next_page="results",
                           provider=portal.provider(session.get("provider", "")))


@pages.get("/certificate")
@student_only
def certificate(digits: str) -> Any:
    portal = web()
    portal.limit(portal.downloads)
    number = request.args.get("number", "")[:64]
    found = portal.decide(DOWNLOAD_SERVICE, digits, lambda: student.student_certificate(
        portal.runtime.engine, portal.runtime.issuer, digits, number, portal.runtime.clock()),
        subject=digits)
    return attachment(found.content, EDOC_MIME, found.file_name)


def _access_log_token(value: str | None) -> PageToken | None:
    """The "older" link's token; anything else is the first page."""
    if not value:
        return None
    try:
        return PageToken.decode(value[:40])
    except ValueError:
        return None


@pages.get("/access-log")
@student_only
def access_log(digits: str) -> Any:
    """The signed-in student's own access log of the last :data:`ACCESS_LOG_DAYS` Riga days,
    newest first, a page at a time (``?page=`` the token of the "older" link): the same reading
    ``getAccessLog`` and ``gateway audit`` use. Only one's own data: the page takes no personal
    code, and shows none."""
    portal = web()
    runtime = portal.runtime
    today = riga_date(runtime.clock())
    shown = portal.decide(ACCESS_LOG_SERVICE, digits, lambda: own_access_log(
        runtime.engine, runtime.settings.client_kinds, parse_personal_code(digits),
        Period(today - timedelta(ACCESS_LOG_DAYS - 1), today), page_size=ACCESS_LOG_PAGE_SIZE,
        page=_access_log_token(request.args.get("page"))), subject=digits)
    return render_template("access_log.html", entries=shown.entries, next_token=shown.next_page,
                           riga=RIGA, days=ACCESS_LOG_DAYS,
                           provider=portal.provider(session.get("provider", "")))
