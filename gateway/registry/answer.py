"""Reading the population register's answer: checked to the last field before anything trusts it.

:func:`~gateway.registry.caller.check_answer` has already validated the envelope, the X-Road
headers (including the echoed ``id`` and ``userId``) and the body element against the committed
schemas. :func:`record_from_answer` reads that body element with lxml and checks what a schema
cannot: that the person is the one asked about, that ``person`` is there exactly when ``found``
is, that each representative's code is a valid personal code (RULES §1) other than the
subject's, and that validity dates are in order. Each representative comes with the given and
family name the register holds (RULES §13 names them in the access log). The lexical readers
(:func:`xs_boolean`, :func:`xs_date`) follow XML Schema Part 2 §3.2.2 and §3.2.9 and are shared
with the prison register's reader. Anything wrong raises :class:`MalformedAnswer`; the caller
refuses.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import InvalidPersonalCode
from gateway.ns import PMLP
from gateway.registry.failure import MalformedAnswer

__all__ = ["MalformedAnswer", "child", "record_from_answer", "text", "xs_boolean", "xs_date"]

_P = f"{{{PMLP}}}"
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?", re.ASCII)
"""xsd:date (XML Schema Part 2 §3.2.9), four-digit years only: Python's dates end at 9999.
A time zone is allowed and, as zeep read it, ignored: the calendar date is what the rules use."""


def record_from_answer(answer: etree._Element, asked: str) -> RegisterRecord | None:
    """The record in a checked ``getPersonRepresentationResponse`` about ``asked`` (11 digits),
    or ``None`` when the register does not know the person."""
    found, person = xs_boolean(child(answer, _P + "found")), answer.find(_P + "person")
    if found is False and person is None:
        return None
    if found is not True or person is None:
        raise MalformedAnswer("found and person disagree")
    if text(person, _P + "personalCode") != asked:
        raise MalformedAnswer("the answer is about another person")
    reps = child(person, _P + "representatives").findall(_P + "representative")
    return RegisterRecord(
        personal_code=asked,
        birth_date=xs_date(child(person, _P + "birthDate")),
        declared_of_age=xs_boolean(child(person, _P + "declaredOfAge")),
        representatives=tuple(_representative(rep, asked) for rep in reps),
    )


def _representative(rep: etree._Element, subject: str) -> Representative:
    try:
        code = parse_personal_code(text(rep, _P + "personalCode")).digits
    except InvalidPersonalCode:
        raise MalformedAnswer("a representative's personal code is not valid") from None
    if code == subject:
        raise MalformedAnswer("a person cannot represent themselves")
    try:
        kind = RelationKind(text(rep, _P + "kind"))
    except ValueError:
        raise MalformedAnswer("unknown kind of representation") from None
    valid_from, valid_to = _optional_date(rep, "validFrom"), _optional_date(rep, "validTo")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise MalformedAnswer("a relation ends before it starts")
    return Representative(code, kind, xs_boolean(child(rep, _P + "custody")), valid_from,
                          valid_to, given_name=text(rep, _P + "givenName"),
                          family_name=text(rep, _P + "familyName"))


def _optional_date(parent: etree._Element, name: str) -> date | None:
    element = parent.find(_P + name)
    return None if element is None else xs_date(element)


def child(parent: etree._Element, tag: str) -> etree._Element:
    """The one child ``tag`` (a Clark name) of ``parent``; a missing or repeated one is refused."""
    found = parent.findall(tag)
    if len(found) != 1:
        raise MalformedAnswer(f"{etree.QName(tag).localname}: not exactly one")
    return found[0]


def text(parent: etree._Element, tag: str) -> str:
    """The text of the one child ``tag`` of ``parent`` ("" when empty), as written."""
    return child(parent, tag).text or ""


def xs_boolean(element: etree._Element) -> bool:
    """An xsd:boolean (``true``/``1``, ``false``/``0``; white space collapsed, §3.2.2)."""
    value = (element.text or "").strip(" \t\r\n")
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise MalformedAnswer("not a boolean")


def xs_date(element: etree._Element) -> date:
    """An xsd:date as a :class:`~datetime.date` (white space collapsed; a real day)."""
    match = _DATE.fullmatch((element.text or "").strip(" \t\r\n"))
    if match is None:
        raise MalformedAnswer("not a date")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise MalformedAnswer("not a date") from None
