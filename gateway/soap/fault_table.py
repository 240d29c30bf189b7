"""``docs/FAULTS.md``: every fault code with its Latvian and English message, and every problem
an ``InvalidRequest`` fault may name, rendered from :mod:`gateway.errors` and
:mod:`gateway.soap.problems` so that the document cannot drift (a test compares the two).

``python -m gateway.soap.fault_table`` rewrites the file.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from gateway import errors
from gateway import xroad as protocol
from gateway.errors import GatewayError, Problem
from gateway.soap import problems

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "FAULTS.md"
_HEAD = """# Faults and their messages

Generated from `gateway/errors.py` and `gateway/soap/problems.py` by
`python -m gateway.soap.fault_table`; a test fails when this file and the code differ.

A refusal is a SOAP 1.1 fault (README, "The services"): `faultcode` `soapenv:Client.<code>` or
`soapenv:Server.<code>`, `faultstring` the English message, and `detail/vpis:faultDetail` with
the code and the message in Latvian (`lang="lv"`) and English (`lang="en"`). An
`InvalidRequest` fault adds, after the message, which rule of the request was broken (second
table); nothing the caller sent is repeated. (`ImportRejected`, `ConfigurationError` with
its `ProductionRefused`, and `CommandRefused` with its `DatabaseUnavailable` are errors of
the command line; `RateLimited`, `FormExpired`,
`SchoolStaffOnly`, `SignInRefused` and `SignInUnavailable` are the portal's, shown as pages;
none is sent as a fault.)

| class | code | faultcode | HTTP | Latvian | English |
|---|---|---|---|---|---|
"""


_BASES = (GatewayError, errors.ClientError, errors.ServerError)
_NOT_FAULTS = ("ImportRejected", "ConfigurationError", "ProductionRefused", "CommandRefused",
               "DatabaseUnavailable", "RateLimited", "FormExpired", "SchoolStaffOnly",
               "SignInRefused", "SignInUnavailable")
"""Errors of the command line (``gateway import``, settings) and of the portal's pages
(:mod:`gateway.portal.pages`), never sent as a fault."""


def _errors() -> list[type[GatewayError]]:
    found = [c for _, c in inspect.getmembers(errors, inspect.isclass)
             if issubclass(c, GatewayError) and c.__module__ == errors.__name__
             and c not in _BASES and c.__name__ not in _NOT_FAULTS]
    return sorted(found, key=lambda c: (c.code, c.__name__))


def _problems() -> list[tuple[str, Problem]]:
    named: list[tuple[str, Problem]] = []
    seen: set[Problem] = set()
    constants = [(n, v) for n, v in vars(problems).items() if isinstance(v, Problem)]
    unsafe = [(f"xmlsafe: {message}", p) for message, p in problems.UNSAFE_XML.items()]
    header = "{header}"
    templates = [
        ("missing_header", problems.missing_header(header)),
        ("header_problem: repeated",
         problems.header_problem(protocol.HeaderProblem("repeated", name="id"))),
        ("header_problem: not valid",
         problems.header_problem(protocol.HeaderProblem("not valid", name="id"))),
        ("schema_mismatch: a declared element",
         problems.schema_mismatch("Element 'getDocument': Missing child element(s).")),
        ("schema_mismatch", problems.schema_mismatch(None)),
    ]
    for name, problem in [*constants, *unsafe, *templates]:
        if problem not in seen:
            seen.add(problem)
            named.append((name, problem))
    return named


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    """The whole of ``docs/FAULTS.md``."""
    lines = [_HEAD.rstrip("\n")]
    for cls in _errors():
        error = cls.__new__(cls)
        faultcode = f"soapenv:{error.faultcode}"
        lines.append(f"| `{cls.__name__}` | `{cls.code}` | `{faultcode}` | {cls.http_status} | "
                     f"{_cell(cls.message_lv)} | {_cell(cls.message_en)} |")
    lines += [
        "",
        "## What an `InvalidRequest` fault names",
        "",
        "`{header}` is one of the X-Road headers `" + "`, `".join(protocol.KNOWN) + "`; "
        "an element is named only when `schemas/vpis.xsd` declares it (here `getDocument`).",
        "",
        "| problem | Latvian | English |",
        "|---|---|---|",
    ]
    for name, problem in _problems():
        example = problem
        if "{header}" not in problem.en and name.startswith("header_problem"):
            example = Problem(problem.lv.replace(" id ", " {header} "),
                              problem.en.replace(" id ", " {header} "))
        lines.append(f"| `{name}` | {_cell(example.lv)} | {_cell(example.en)} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    DOCUMENT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCUMENT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
