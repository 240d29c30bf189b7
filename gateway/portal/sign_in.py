"""The portal's public pages (RULES §11): home with the e-journal sign-in, the e-journal's
callback, sign-out and the language switch; and the public verification page (RULES §14),
the one page open to every country."""

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
from gateway.portal.texts import LANGUAGES, school_year
from gateway.portal.web import signed_in, wall_clock, web
from gateway.registry.redact import pseudonym
from gateway.services import shares
from gateway.services.verify_guard import web_client
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


_BACK = {"results": "student.results", "school": "school.home",
         "shares": "student.shares_page"}
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


# -- the public verification page (RULES §14): anyone, from any country, no sign-in ----------

VERIFY_SERVICE = "portal.verify"
PUBLIC_PAGE = "public page"
EVERY_COUNTRY = frozenset({"sign_in.verify", "sign_in.verify_check"})
"""The endpoints the Baltic-only rule of RULES §11 does not apply to."""


def _verify_language() -> None:
    """This page switches its own language (the portal's switch is for the Baltic portal)."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        g.lang = lang


def _verify_switch(number: str) -> str:
    other = "en" if g.get("lang", "lv") == "lv" else "lv"
    return url_for("sign_in.verify", lang=other, number=number or None)


def verify_client(country: str | None) -> str:
    """The audit record's client of a verification on this page: "public page (LV)"."""
    return f"{PUBLIC_PAGE} ({country or '??'})"


@pages.get("/verify")
def verify() -> Any:
    """The form; a share's link fills in the number and the code."""
    _verify_language()
    number = request.args.get("number", "")[:64]
    return render_template("verify.html", number=number, code=request.args.get("code", "")[:64],
                           result=None, switch_url=_verify_switch(number))


@pages.post("/verify")
def verify_check() -> Any:
    """A verification: the web client held to the guard, audited with its country."""
    _verify_language()
    check_form()
    portal = web()
    runtime = portal.runtime
    number = request.form.get("number", "")[:64]
    code = request.form.get("code", "")[:64]
    country = portal.countries.country(g.client) if portal.countries else None
    result = portal.decide(VERIFY_SERVICE, None, lambda: shares.verify_share(
        runtime.engine, runtime.share_key, runtime.verify_guard, web_client(g.client), number,
        code, runtime.clock()), client=verify_client(country))
    return render_template("verify.html", number=number, code="", result=result,
                           school_year=school_year, switch_url=_verify_switch(number))

