"""The holder's "Kopīgot sertifikātu" / "Share a certificate" page (RULES §14).

``GET /portal/shares``: the signed-in adult student's shares, newest first, each with its
certificates, state and every verification through it, and the form that makes a new one;
``POST /portal/shares`` makes one and shows its code (this once), link and QR code;
``POST /portal/shares/revoke`` revokes one at once. Decisions in
:mod:`gateway.services.shares`, through the one audit step (:meth:`Web.decide`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from gateway.documents import qr
from gateway.domain import shares as codes
from gateway.domain.age import RIGA, riga_date
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import InvalidShare, ShareNotFound
from gateway.portal.sign_in import check_form
from gateway.portal.student import student_only
from gateway.portal.texts import school_year
from gateway.portal.web import web
from gateway.services import shares

pages = Blueprint("shares", __name__)

LIST_SERVICE = "portal.shares"
CREATE_SERVICE = "portal.share_create"
REVOKE_SERVICE = "portal.share_revoke"


def _render(digits: str, made: shares.ShareMade | None = None) -> Any:
    portal = web()
    runtime = portal.runtime
    person = parse_personal_code(digits)
    shown = portal.decide(LIST_SERVICE, digits, lambda: shares.list_shares(
        runtime.engine, shares.signed_in_holder(runtime.access, person, runtime.clock()),
        runtime.clock()), subject=digits)
    today = riga_date(runtime.clock())
    return render_template(
        "shares.html", listed=shown, made=made, riga=RIGA, school_year=school_year,
        qr_svg=qr.svg(made.link, title=made.display_code) if made else None,
        today=today, latest=codes.latest_expiry(today),
        default_expiry=min(today + timedelta(days=90), codes.latest_expiry(today)),
        next_page="shares", provider=portal.provider(session.get("provider", "")))


@pages.get("/shares")
@student_only
def page(digits: str) -> Any:
    return _render(digits)


def _expiry(value: str | None) -> date:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        raise InvalidShare("date") from None


@pages.post("/shares")
@student_only
def create(digits: str) -> Any:
    check_form()
    portal = web()
    runtime = portal.runtime
    person = parse_personal_code(digits)
    numbers = [n[:64] for n in request.form.getlist("number")[:shares.MAX_CERTIFICATES + 1]]
    expiry = request.form.get("expires_on")
    made = portal.decide(CREATE_SERVICE, digits, lambda: shares.create_share(
        runtime.engine, runtime.share_key,
        shares.signed_in_holder(runtime.access, person, runtime.clock()), person, numbers,
        _expiry(expiry), runtime.clock(), verify_url=runtime.verify_url), subject=digits)
    return _render(digits, made)


@pages.post("/shares/revoke")
@student_only
def revoke(digits: str) -> Any:
    check_form()
    value = request.form.get("share", "")
    if not value.isdigit() or len(value) > 18:
        raise ShareNotFound("share")
    share_id = int(value)
    portal = web()
    runtime = portal.runtime
    person = parse_personal_code(digits)
    portal.decide(REVOKE_SERVICE, digits, lambda: shares.revoke_share(
        runtime.engine, shares.signed_in_holder(runtime.access, person, runtime.clock()),
        share_id, runtime.clock()), subject=digits)
    return redirect(url_for("shares.page", revoked=share_id), code=303)
