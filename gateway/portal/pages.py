"""The one place where the portal's errors become pages (as :mod:`gateway.soap.faults` is for
faults): every error of :mod:`gateway.errors` a view raises, and Flask's own HTTP errors, are
rendered here as a message page in the visitor's language with the right status."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException

from gateway import errors
from gateway.portal.texts import TEXTS

log = logging.getLogger(__name__)

_PAGES: tuple[tuple[type[errors.GatewayError], int, str, str], ...] = (
    # (error, HTTP status, title key, text key of portal.texts); the first that matches wins
    (errors.DocumentNotFound, 404, "not_found_title", "not_found_text"),
    (errors.DocumentNotAvailable, 404, "not_found_title", "not_found_text"),
    (errors.InstitutionNotFound, 404, "not_found_title", "not_found_text"),
    (errors.RateLimited, 429, "rate_title", "rate_text"),
    (errors.VerificationBlocked, 429, "blocked_title", "blocked_text"),
    (errors.InvalidShare, 400, "share_invalid_title", "share_invalid_text"),
    (errors.ShareNotFound, 404, "not_found_title", "not_found_text"),
    (errors.RequesterUnderage, 403, "share_adult_title", "share_adult_text"),
    (errors.FormExpired, 400, "csrf_title", "csrf_text"),
    (errors.SchoolStaffOnly, 403, "school_only_title", "school_only_text"),
    (errors.SignInRefused, 401, "error_title", "sign_in_failed"),
    (errors.InvalidRequest, 400, "report_invalid_title", "report_invalid_text"),
    (errors.SignInUnavailable, 502, "error_title", "error_text"),
    (errors.ServerError, 503, "error_title", "error_text"),
)
_HTTP = {404: ("not_found_title", "not_found_text")}
"""Flask's own errors (no route, wrong method, too large) by status; others: the error page."""


def page(status: int, title: str, text: str, *, both_languages: bool = False) -> Response:
    """A message page: ``title`` and ``text`` are keys of :data:`gateway.portal.texts.TEXTS`."""
    body = render_template("message.html", title_key=title, text_key=text,
                           both=both_languages, texts=TEXTS)
    return Response(body, status=status, mimetype="text/html")


def error_page(error: errors.GatewayError) -> Response:
    """The page for ``error``."""
    for kind, status, title, text in _PAGES:
        if isinstance(error, kind):  # a blocked verifier may read either language (§14)
            return page(status, title, text,
                        both_languages=isinstance(error, errors.VerificationBlocked))
    return page(500, "error_title", "error_text")


def register_error_pages(app: Flask) -> None:
    """Render every error of the portal's views through :func:`error_page`."""

    @app.errorhandler(errors.GatewayError)
    def _refused(error: errors.GatewayError) -> Response:
        return error_page(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        title, text = _HTTP.get(status, ("error_title", "error_text"))
        return page(status, title, text)

    @app.errorhandler(Exception)
    def _failed(error: Exception) -> Response:
        log.exception("portal: a view failed")
        return page(500, "error_title", "error_text")
