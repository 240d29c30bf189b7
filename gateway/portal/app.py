"""The portal's Flask application: built once per worker from the runtime, mounted under
``/portal/`` in front of the SOAP application (:func:`gateway.serve.gateway_app`)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, session

from gateway.errors import SealingUnavailable
from gateway.portal import views
from gateway.portal.auth import register_providers
from gateway.portal.cookie import SealedCookieSessionInterface
from gateway.portal.geo import CountryDatabase, client_address, networks
from gateway.portal.school_views import register_school
from gateway.portal.security import (
    RateLimiter,
    content_security_policy,
    csrf_token,
    security_headers,
)
from gateway.portal.settings import PortalSettings
from gateway.portal.texts import LANGUAGES, TEXTS
from gateway.runtime import Runtime

log = logging.getLogger(__name__)


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
    portal = views.Portal(
        runtime=runtime,
        settings=settings,
        oauth=register_providers(app, settings),
        countries=load_countries(country_database_path(settings, runtime.settings.data_dir)),
        trusted=networks(settings.trusted_proxies),
        sign_ins=RateLimiter(settings.sign_in_limit, settings.rate_window_seconds),
        downloads=RateLimiter(settings.download_limit, settings.rate_window_seconds),
        school_downloads=RateLimiter(settings.school_download_limit,
                                     settings.rate_window_seconds),
    )
    app.extensions["vpis_portal"] = portal
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
            return views.page(403, "forbidden_title", "forbidden_text", both_languages=True)
        seen = session.get("seen")
        if "code" in session and (not isinstance(seen, (int, float))
                                  or time.time() - seen > settings.session_minutes * 60):
            lang = g.lang
            session.clear()
            session["lang"] = lang
            g.expired = True
        elif "code" in session:
            session["seen"] = int(time.time())
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.update(headers)
        return response

    @app.context_processor
    def _words() -> dict[str, Any]:
        lang = g.get("lang", "lv")
        return {"t": TEXTS[lang], "lang": lang, "csrf_token": csrf_token(session)}

    app.add_template_filter(percent, "pct")
    views.register(app, portal)
    register_school(app, portal)
    # The TSA or OCSP responder failed while sealing a missed download (RULES §6): nothing was
    # stored; "try again later", 503.
    app.register_error_handler(
        SealingUnavailable, lambda _: views.page(503, "error_title", "error_text"))
    return app
