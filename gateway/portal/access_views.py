"""The portal's "Kas skatījās manus datus" / "Who looked at my data" page (RULES §11, §13).

``GET /portal/access-log``: the signed-in student's own access log of the last :data:`DAYS`
Riga days, newest first, a page at a time (``?page=`` the token of the "older" link). The
entries come from :func:`gateway.services.access_log.own_access_log`, the same reading
``getAccessLog`` and ``gateway audit`` use; the view decides through the one audit step
(:meth:`gateway.portal.web.Web.decide`) and renders. Only one's own data: the page takes no
personal code, and shows none.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, render_template, request, session

from gateway.domain.age import RIGA, riga_date
from gateway.domain.personal_code import parse_personal_code
from gateway.portal.student import student_only
from gateway.portal.web import web
from gateway.services.access_log import MAX_DAYS, Period, own_access_log
from gateway.store.access_log import PageToken

pages = Blueprint("access_log", __name__)

ACCESS_LOG_SERVICE = "portal.access_log"
DAYS = MAX_DAYS - 35
"""How far back the page looks: a year (within ``getAccessLog``'s longest period)."""
PAGE_SIZE = 50


def _token(value: str | None) -> PageToken | None:
    """The "older" link's token; anything else is the first page."""
    if not value:
        return None
    try:
        return PageToken.decode(value[:40])
    except ValueError:
        return None


@pages.get("/access-log")
@student_only
def page(digits: str) -> Any:
    """The signed-in student's own access log."""
    portal = web()
    runtime = portal.runtime
    today = riga_date(runtime.clock())
    shown = portal.decide(ACCESS_LOG_SERVICE, digits, lambda: own_access_log(
        runtime.engine, runtime.settings.client_kinds, parse_personal_code(digits),
        Period(today - timedelta(DAYS - 1), today), page_size=PAGE_SIZE,
        page=_token(request.args.get("page"))), subject=digits)
    return render_template("access_log.html", entries=shown.entries, next_token=shown.next_page,
                           riga=RIGA, days=DAYS,
                           provider=portal.provider(session.get("provider", "")))
