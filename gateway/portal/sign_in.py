"""The portal's public pages (RULES §11): home with the e-journal sign-in, the e-journal's
callback, sign-out and the language switch."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import NotFound

from gateway.errors import FormExpired, SignInRefused, SignInUnavailable
from gateway.portal.auth import SignInFailed, finish_sign_in, redirect_uri
from gateway.portal.security import CSRF_FIELD, csrf_valid
from gateway.portal.settings import Provider
from gateway.portal.texts import LANGUAGES
from gateway.portal.web import signed_in, wall_clock, web
from gateway.registry.redact import pseudonym
from gateway.store import sessions

log = logging.getLogger(__name__)

pages = Blueprint("sign_in", __name__)


def _landing(schools: object) -> str:
    """Where a signed-in person lands: a school administrator on the school page."""
    return url_for("school.home" if schools else "student.results")


def _provider(name: str) -> Provider:
    found = web().provider(name)
    if found is None:
        raise NotFound()
    return found


def check_form() -> None:
    """Refuse a form posted without this session's anti-forgery token."""
    if not csrf_valid(session, request.form.get(CSRF_FIELD)):
        raise FormExpired("csrf")


@pages.get("/")
def home() -> Any:
    if signed_in():
        return redirect(_landing(session.get("schools")))
    notice = ("expired" if g.get("expired") or request.args.get("expired") == "1" else
              "signed_out" if request.args.get("signed_out") == "1" else None)
    return render_template("home.html", providers=web().settings.providers, notice=notice)


@pages.post("/login/<name>")
def login(name: str) -> Any:
    check_form()
    provider = _provider(name)
    portal = web()
    portal.limit(portal.sign_ins)
    client: Any = portal.oauth.create_client(provider.name)
    try:
        return client.authorize_redirect(redirect_uri(portal.settings, provider))
    except Exception as exc:  # discovery unreachable or broken
        log.warning("portal: %s discovery failed: %s", provider.name, type(exc).__name__)
        raise SignInUnavailable(provider.name) from None


@pages.get("/callback/<name>")
def callback(name: str) -> Any:
    provider = _provider(name)
    portal = web()
    portal.limit(portal.sign_ins)
    try:
        who = finish_sign_in(portal.oauth, provider)
    except SignInFailed as exc:
        log.warning("portal: sign-in through %s refused: %s", provider.name, exc.reason)
        raise SignInRefused(exc.reason) from None
    lang, previous = g.lang, session.get("sid")
    session.clear()  # a new session with a new id: nothing of the one before is carried over
    session.permanent = True
    digits = who.person.digits
    sid = sessions.start(portal.runtime.engine, wall_clock(),
                         timedelta(minutes=portal.settings.session_max_minutes),
                         timedelta(minutes=portal.settings.session_minutes),
                         previous if isinstance(previous, str) else None)
    session.update(code=digits, sid=sid, provider=provider.name, lang=lang,
                   schools=list(who.schools))
    log.info("portal: %s signed in through %s%s", pseudonym(digits), provider.name,
             " as school staff" if who.schools else "")
    return redirect(_landing(who.schools))


@pages.post("/logout")
def logout() -> Any:
    check_form()
    sessions.end(web().runtime.engine, session.get("sid"))  # for every copy of the cookie
    lang = g.lang
    session.clear()
    session["lang"] = lang
    return redirect(url_for("sign_in.home", signed_out="1"))


_BACK = {"results": "student.results", "school": "school.home"}
_KEPT = {"school.home": {"institution": 20, "session": 16}}
"""Per page, the query parameters the language switch keeps (each cut to its length, as the
page itself reads them): the school page stays on its institution and session."""


@pages.get("/lang/<lang>")
def language(lang: str) -> Any:
    if lang in LANGUAGES:
        session["lang"] = lang
        g.lang = lang
    endpoint = _BACK.get(request.args.get("next", ""), "sign_in.home")
    kept: dict[str, Any] = {name: request.args[name][:length]
            for name, length in _KEPT.get(endpoint, {}).items() if request.args.get(name)}
    return redirect(url_for(endpoint, **kept))
