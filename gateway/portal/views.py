"""The portal's pages: home with the e-journal sign-in, the results, the certificate download,
sign-out, the language switch, and the refusal pages (LV/EN). The school route's pages are in
:mod:`gateway.portal.school_views`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, g, redirect, render_template, request, session, url_for

from gateway.documents.issue import EDOC_MIME
from gateway.portal import service
from gateway.portal.auth import SignInFailed, finish_sign_in, redirect_uri
from gateway.portal.geo import CountryDatabase, IPNetwork
from gateway.portal.security import CSRF_FIELD, RateLimiter, csrf_valid
from gateway.portal.settings import PortalSettings, Provider
from gateway.portal.texts import LANGUAGES, TEXTS, school_year
from gateway.registry.redact import pseudonym
from gateway.runtime import Runtime
from gateway.store import audit

log = logging.getLogger(__name__)

RESULTS_SERVICE = "portal.results"
DOWNLOAD_SERVICE = "portal.certificate"


@dataclass
class Portal:
    """What the views share: the runtime's parts and the portal's own."""

    runtime: Runtime
    settings: PortalSettings
    oauth: OAuth
    countries: CountryDatabase | None
    trusted: tuple[IPNetwork, ...]
    sign_ins: RateLimiter
    downloads: RateLimiter
    school_downloads: RateLimiter

    def provider(self, name: str) -> Provider | None:
        return next((p for p in self.settings.providers if p.name == name), None)

    def entry(self, service_name: str, requester: str, outcome: str, reason: str | None,
              documents: tuple[str, ...] = (), *, subject: str | None,
              subjects: tuple[str, ...] = ()) -> audit.AuditEntry:
        """An audit record with the portal as the client (RULES §7, §11)."""
        return audit.AuditEntry(
            at=self.runtime.clock(), service=service_name, message_id=f"portal-{uuid4().hex}",
            client=self.settings.audit_client, requester_code=requester,
            subject_code=subject, outcome=outcome,
            reason=reason, documents=list(documents), subjects=list(subjects))

    def record(self, *entries: audit.AuditEntry) -> None:
        """Write ``entries`` in one transaction, committed before anything is sent."""
        with self.runtime.engine.begin() as conn:
            audit.insert_entries(conn, entries)


def page(status: int, title: str, text: str, *, both_languages: bool = False) -> Response:
    """A refusal or message page."""
    body = render_template("message.html", title_key=title, text_key=text,
                           both=both_languages, texts=TEXTS)
    return Response(body, status=status, mimetype="text/html")


def signed_in() -> str | None:
    code = session.get("code")
    return code if isinstance(code, str) and len(code) == 11 and code.isdigit() else None


def register(app: Flask, portal: Portal) -> None:
    """Add the routes."""

    @app.get("/")
    def home() -> Any:
        if signed_in():
            return redirect(url_for("school_home" if session.get("schools") else "results"))
        notice = ("expired" if g.get("expired") else
                  "signed_out" if request.args.get("signed_out") == "1" else None)
        return render_template("home.html", providers=portal.settings.providers, notice=notice)

    @app.post("/login/<name>")
    def login(name: str) -> Any:
        if not csrf_valid(session, request.form.get(CSRF_FIELD)):
            return page(400, "csrf_title", "csrf_text")
        provider = portal.provider(name)
        if provider is None:
            return page(404, "not_found_title", "not_found_text")
        if not portal.sign_ins.allow(g.client):
            return page(429, "rate_title", "rate_text")
        client: Any = portal.oauth.create_client(provider.name)
        try:
            return client.authorize_redirect(redirect_uri(portal.settings, provider))
        except Exception as exc:  # discovery unreachable or broken
            log.warning("portal: %s discovery failed: %s", provider.name, type(exc).__name__)
            return page(502, "error_title", "error_text")

    @app.get("/callback/<name>")
    def callback(name: str) -> Any:
        provider = portal.provider(name)
        if provider is None:
            return page(404, "not_found_title", "not_found_text")
        if not portal.sign_ins.allow(g.client):
            return page(429, "rate_title", "rate_text")
        try:
            who = finish_sign_in(portal.oauth, provider)
        except SignInFailed as exc:
            log.warning("portal: sign-in through %s refused: %s", provider.name, exc.reason)
            return page(401, "error_title", "sign_in_failed")
        lang = g.lang
        session.clear()  # a new session: nothing of the anonymous one is carried over
        session.permanent = True
        digits = who.person.digits
        session.update(code=digits, provider=provider.name, lang=lang, seen=int(time.time()),
                       schools=list(who.schools))
        log.info("portal: %s signed in through %s%s", pseudonym(digits), provider.name,
                 " as school staff" if who.schools else "")
        return redirect(url_for("school_home" if who.schools else "results"))

    @app.get("/results")
    def results() -> Any:
        digits = signed_in()
        if digits is None:
            return redirect(url_for("home"))
        shown = service.student_results(portal.runtime.engine, digits, portal.runtime.clock())
        portal.record(portal.entry(RESULTS_SERVICE, digits, "allowed", shown.reason,
                                   shown.documents, subject=digits))
        return render_template("results.html", rows=shown.rows, school_year=school_year,
                               next_page="results",
                               provider=portal.provider(session.get("provider", "")))

    @app.get("/certificate")
    def certificate() -> Any:
        digits = signed_in()
        if digits is None:
            return redirect(url_for("home"))
        if not portal.downloads.allow(g.client):
            return page(429, "rate_title", "rate_text")
        number = request.args.get("number", "")[:64]
        found = service.student_certificate(portal.runtime.engine, portal.runtime.issuer,
                                            digits, number, portal.runtime.clock())
        if found is None:
            portal.record(portal.entry(DOWNLOAD_SERVICE, digits, "refused", "DocumentNotFound",
                                       subject=digits))
            return page(404, "not_found_title", "not_found_text")
        portal.record(portal.entry(DOWNLOAD_SERVICE, digits, "allowed", found.reason,
                                   found.documents, subject=digits))
        return Response(found.content, mimetype=EDOC_MIME, headers={
            "Content-Disposition": f'attachment; filename="{found.file_name}"'})

    @app.post("/logout")
    def logout() -> Any:
        if not csrf_valid(session, request.form.get(CSRF_FIELD)):
            return page(400, "csrf_title", "csrf_text")
        lang = g.lang
        session.clear()
        session["lang"] = lang
        return redirect(url_for("home", signed_out="1"))

    @app.get("/lang/<lang>")
    def language(lang: str) -> Any:
        if lang in LANGUAGES:
            session["lang"] = lang
            g.lang = lang
        back = request.args.get("next", "")
        return redirect(url_for({"results": "results", "school": "school_home"}.get(back, "home")))

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return page(404, "not_found_title", "not_found_text")

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Response:
        return page(405, "error_title", "error_text")

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return page(413, "error_title", "error_text")

    @app.errorhandler(500)
    def failed(_: Exception) -> Response:
        return page(500, "error_title", "error_text")
