"""The public verification page (RULES §14): ``/verify`` (served as ``/portal/verify``).

No sign-in, open to every country (the Baltic-only rule of RULES §11 is for the student
portal): a verifier gives a certificate number and the share code its holder gave them and
sees ``valid`` / ``superseded`` / ``revoked`` / ``not found`` and, when valid, the holder's
name, the exam, school year and total — never a personal code. ``GET`` shows the form (the
number and code of a link filled in); ``POST`` verifies. The web client (its address as the
trusted-proxy rules give it) is held to the verification guard; each verification is audited
with the client "public page" and the address's country, which the holder's access log shows.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, session, url_for

from gateway.portal.sign_in import check_form
from gateway.portal.texts import LANGUAGES, school_year
from gateway.portal.web import web
from gateway.services import shares
from gateway.services.verify_guard import web_client

pages = Blueprint("verify", __name__)

SERVICE = "portal.verify"
PUBLIC_PAGE = "public page"
ENDPOINTS = frozenset({"verify.page", "verify.check"})
"""The public endpoints the country rule does not apply to."""


def _language() -> None:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        g.lang = lang


def audit_client(country: str | None) -> str:
    """The audit record's client for a verification on this page: "public page (LV)"."""
    return f"{PUBLIC_PAGE} ({country or '??'})"


@pages.get("/verify")
def page() -> Any:
    _language()
    number = request.args.get("number", "")[:64]
    return render_template("verify.html", number=number, code=request.args.get("code", "")[:64],
                           result=None, switch_url=_switch(number))


@pages.post("/verify")
def check() -> Any:
    _language()
    check_form()
    portal = web()
    runtime = portal.runtime
    number = request.form.get("number", "")[:64]
    code = request.form.get("code", "")[:64]
    country = portal.countries.country(g.client) if portal.countries else None
    result = portal.decide(SERVICE, None, lambda: shares.verify_share(
        runtime.engine, runtime.share_key, runtime.verify_guard, web_client(g.client), number,
        code, runtime.clock()), client=audit_client(country))
    return render_template("verify.html", number=number, code="", result=result,
                           school_year=school_year, switch_url=_switch(number))


def _switch(number: str) -> str:
    """The language switch of this page: itself, in the other language (the portal's switch
    is for the Baltic student portal only)."""
    other = "en" if g.get("lang", "lv") == "lv" else "lv"
    return url_for("verify.page", lang=other, number=number or None)
