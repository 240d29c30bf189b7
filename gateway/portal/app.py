"""The portal's Flask application: built once per worker from the runtime, mounted under
``/portal/`` in front of the SOAP application (:func:`gateway.serve.gateway_app`)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, session
from markupsafe import Markup, escape

from gateway.domain.personal_code import display
from gateway.portal import school, sign_in, student
from gateway.portal.auth import register_providers
from gateway.portal.cookie import SealedCookieSessionInterface
from gateway.portal.geo import CountryDatabase, client_address, networks
from gateway.portal.pages import page, register_error_pages
from gateway.portal.security import (
    SharedLimit,
    content_security_policy,
    csrf_token,
    security_headers,
)
from gateway.portal.settings import PortalSettings
from gateway.portal.texts import LANGUAGES, TEXTS
from gateway.portal.web import Web, wall_clock
from gateway.runtime import Runtime
from gateway.store import sessions

log = logging.getLogger(__name__)


BLUEPRINTS = (sign_in.pages, student.pages, school.pages)
"""The portal's pages, by who may see them: anyone, a signed-in student, a school's staff."""


def country_database_path(settings: PortalSettings, data_dir: Path) -> Path:
    """The configured country file, or ``<data_dir>/country/delegated.txt``."""
    return settings.country_database or data_dir / "country" / "delegated.txt"


def load_countries(path: Path) -> CountryDatabase | None:
    """The country database, or ``None`` (every client refused) when it cannot be read."""
    try:
        return CountryDatabase.load(path)
    except (OSError, ValueError) as exc:
        log.error("portal: no country database at %s (%s): every client is refused",
                  path, type(exc).__name__)
        return None


def percent(value: float, lang: str) -> str:
    """81.0 → ``81%``; 81.5 → ``81,5%`` in Latvian, ``81.5%`` in English."""
    text = f"{value:.1f}".removesuffix(".0")
    return (text.replace(".", ",") if lang == "lv" else text) + "%"


def latvian(text: object, lang: str) -> Markup:
    """A Latvian name (a person's, a school's, an exam's) on a page of ``lang``: on an English
    page marked ``lang="lv"``, so that a screen reader pronounces it as Latvian (WCAG 3.1.2)."""
    if lang == "lv":
        return escape(text)
    return Markup('<span lang="lv">%s</span>') % text


FILTERS: dict[str, Callable[..., str]] = {"pct": percent, "personal_code": display, "lv": latvian}
"""The templates' filters: ``{{ value|pct(lang) }}``; ``{{ code|personal_code }}``, a stored
code's written form (:func:`gateway.domain.personal_code.display`, the one place it is made);
``{{ name|lv(lang) }}``, a Latvian name marked as such on an English page."""


def create_portal(runtime: Runtime) -> Flask:
    """The portal for one worker."""
    settings = runtime.settings.portal
    app = Flask(__name__)
    app.session_interface = SealedCookieSessionInterface()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="vpis_portal",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/portal/",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        MAX_CONTENT_LENGTH=16 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    secret = hashlib.sha256(b"vpis-portal-rate\0" + settings.secret_key.encode()).digest()

    def limit(scope: str, count: int) -> SharedLimit:
        return SharedLimit(runtime.engine, scope, count,
                           timedelta(seconds=settings.rate_window_seconds), secret, wall_clock)

    portal = Web(
        runtime=runtime,
        settings=settings,
        oauth=register_providers(app, settings),
        countries=load_countries(country_database_path(settings, runtime.settings.data_dir)),
        trusted=networks(settings.trusted_proxies),
        sign_ins=limit("portal.sign_in", settings.sign_in_limit),
        downloads=limit("portal.download", settings.download_limit),
        school_downloads=limit("portal.school", settings.school_download_limit),
    )
    app.extensions["vpis_portal"] = portal
    idle = timedelta(minutes=settings.session_minutes)
    headers = security_headers(
        content_security_policy(p.issuer for p in settings.providers),
        https=settings.public_url.startswith("https://"),
    )

    @app.before_request
    def _baltic_only() -> Any:
        g.lang = session.get("lang") if session.get("lang") in LANGUAGES else "lv"
        g.client = client_address(request.remote_addr or "", request.headers.get(
            "X-Forwarded-For"), portal.trusted)
        country = portal.countries.country(g.client) if portal.countries else None
        # the stylesheet is public and lets the refusal page itself look right
        if country not in settings.allowed_countries and request.endpoint != "static":
            return page(403, "forbidden_title", "forbidden_text", both_languages=True)
        if "code" in session and not sessions.alive(runtime.engine, session.get("sid"),
                                                      wall_clock(), idle):
            lang = g.lang  # ended: signed out elsewhere, idle too long, or past its lifetime
            session.clear()
            session["lang"] = lang
            g.expired = True
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.update(headers)
        return response

    @app.context_processor
    def _words() -> dict[str, Any]:
        lang = g.get("lang", "lv")
        return {"t": TEXTS[lang], "lang": lang, "csrf_token": csrf_token(session)}

    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_pages(app)
    return app
