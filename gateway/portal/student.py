"""The signed-in student's pages (RULES §11): their results of the last six months and the
certificate download. Each view reads its input, decides through the services floor
(:mod:`gateway.services.student`) and the one audit step (:meth:`Web.decide`), and renders."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, session, url_for

from gateway.documents.issue import EDOC_MIME
from gateway.portal.texts import school_year
from gateway.portal.web import signed_in, web
from gateway.services import student

pages = Blueprint("student", __name__)

RESULTS_SERVICE = "portal.results"
DOWNLOAD_SERVICE = "portal.certificate"


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
