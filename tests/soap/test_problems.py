"""An ``InvalidRequest`` fault says which rule the request broke, in Latvian and English,
without repeating what the caller sent (the fault's detail, built in gateway.soap.faults)."""

from __future__ import annotations

import ast

import pytest
import requests
from lxml import etree

from gateway import xmlsafe
from gateway.errors import ClientError, InvalidRequest, InvalidUserId
from gateway.ns import SOAP11_ENV, VPIS
from gateway.soap import problems as P
from tests.soap import envelopes as E
from tests.soap.conftest import post
from tests.stand import Stand

MARK = "ECHOMARK7731"
"""Put into every request below; never to be seen in an answer."""
GET_DOCUMENT = E.HEADERS.replace(">getExamResults<", ">getDocument<")

CASES: dict[str, tuple[bytes, str, str]] = {
    "missing userId": (
        E.envelope(E.CLIENT + E.SERVICE + E.ID.replace("e2e-0001", MARK) + E.VERSION),
        InvalidUserId.message_en, "The X-Road header userId is missing.",
    ),
    "missing id": (
        E.envelope(E.CLIENT + E.SERVICE + E.USER + E.VERSION, E.BODY.replace(
            "</vpis:getExamResults>", f"<!-- {MARK} --></vpis:getExamResults>")),
        ClientError.message_en, "The X-Road header id is missing.",
    ),
    "repeated id": (
        E.envelope(E.HEADERS + E.ID.replace("e2e-0001", MARK)),
        ClientError.message_en, "The X-Road header id appears more than once.",
    ),
    "unknown X-Road header": (
        E.envelope(E.HEADERS + f"<xrd:{MARK}>x</xrd:{MARK}>"),
        ClientError.message_en, P.UNKNOWN_HEADER.en,
    ),
    "protocolVersion 3.1": (
        E.envelope(E.HEADERS.replace(">4.0<", ">3.1<")),
        ClientError.message_en, P.PROTOCOL_VERSION.en,
    ),
    "serviceCode not the body's": (
        E.envelope(GET_DOCUMENT.replace("e2e", MARK)),
        ClientError.message_en, P.BODY_NOT_SERVICE.en,
    ),
    "not XML": (
        f"<soapenv:Envelope {MARK}".encode(), ClientError.message_en,
        "The body is not well-formed XML.",
    ),
    "DTD with an entity": (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "{MARK}">]><x>&e;</x>'.encode(),
        ClientError.message_en, "A DTD (DOCTYPE) is not allowed.",
    ),
    "an element the schema does not have": (
        E.envelope(body=E.BODY.replace("</vpis:getExamResults>",
                                       f"<vpis:{MARK}/></vpis:getExamResults>")),
        ClientError.message_en, "The body does not match the published schema.",
    ),
    "a child missing": (
        E.envelope(GET_DOCUMENT, "<vpis:getDocument><vpis:personalCode>220806-21170"
                                 f"</vpis:personalCode></vpis:getDocument><!-- {MARK} -->"),
        ClientError.message_en,
        "The body does not match the published schema at the element getDocument.",
    ),
    "two elements in the Body": (
        E.envelope(body=E.BODY + f"<vpis:{MARK}/>"),
        ClientError.message_en, P.ONE_PAYLOAD.en,
    ),
    "no Header": (
        (f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}" xmlns:vpis="{VPIS}"><soapenv:Body>'
         f"{E.BODY}</soapenv:Body></soapenv:Envelope><!-- {MARK} -->").encode(),
        ClientError.message_en, P.NO_HEADER.en,
    ),
}


def fault_detail(answer: requests.Response) -> tuple[str, str, dict[str, str]]:
    root = etree.fromstring(answer.content)
    fault = root.find(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault")
    assert fault is not None, answer.text
    detail = fault.find(f"detail/{{{VPIS}}}faultDetail")
    assert detail is not None
    messages = {m.get("lang", ""): m.text or "" for m in detail.iter(f"{{{VPIS}}}message")}
    return detail.findtext(f"{{{VPIS}}}code") or "", fault.findtext("faultstring") or "", messages


@pytest.mark.parametrize(("sent", "message", "problem"), CASES.values(), ids=CASES.keys())
def test_the_fault_names_the_rule_broken_and_not_the_input(
    stand: Stand, sent: bytes, message: str, problem: str
) -> None:
    answer = post(stand, sent)
    assert answer.status_code == 500
    code, faultstring, messages = fault_detail(answer)
    assert code == "InvalidRequest"
    assert messages["en"] == f"{message} {problem}" == faultstring
    lv = next(p.lv for p in all_problems() if p.en == problem)
    assert messages["lv"].endswith(f" {lv}")
    assert MARK not in answer.text


def test_a_wrong_content_type_is_named(stand: Stand) -> None:
    answer = post(stand, E.envelope(), content_type=f"text/plain; x={MARK}")
    code, _, messages = fault_detail(answer)
    assert code == "InvalidRequest"
    assert messages["en"] == f"{ClientError.message_en} {P.CONTENT_TYPE.en}"
    assert messages["lv"] == f"{ClientError.message_lv} {P.CONTENT_TYPE.lv}"
    assert MARK not in answer.text


def all_problems() -> list[P.Problem]:
    found = [value for value in vars(P).values() if isinstance(value, P.Problem)]
    found += P.UNSAFE_XML.values()
    found += [P.missing_header(n) for n in ("userId", "id")]
    found += [P.header_problem(P.protocol.HeaderProblem("repeated X-Road header", name="id"))]
    found += [P.schema_mismatch(None),
              P.schema_mismatch(f"Element '{{{VPIS}}}getDocument': Missing child element(s).")]
    return found


def test_every_refusal_of_xmlsafe_has_its_problem() -> None:
    with open(xmlsafe.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    raised = {
        node.exc.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
        and getattr(node.exc.func, "id", "") == "UnsafeXML"
        and isinstance(node.exc.args[0], ast.Constant)
    }
    assert raised and raised == set(P.UNSAFE_XML)


def test_a_header_name_the_caller_made_up_is_not_repeated() -> None:
    made_up = P.header_problem(P.protocol.HeaderProblem("unexpected X-Road header", name=MARK))
    assert made_up == P.UNKNOWN_HEADER and MARK not in made_up.en + made_up.lv
    assert P.schema_mismatch(f"Element '{{{VPIS}}}{MARK}': This element is not expected.") \
        == P.schema_mismatch(None)


def test_every_problem_is_a_sentence_in_both_languages() -> None:
    for problem in all_problems():
        for text in (problem.lv, problem.en):
            assert text[:1].isupper() or text.startswith(("xsi", "mustUnderstand"))
            assert text.endswith("."), text
        assert problem.lv != problem.en


def test_without_a_problem_the_message_stands_alone() -> None:
    assert InvalidRequest("x").text_en == "The request is not valid."
    assert InvalidRequest("x", problem=P.NOT_XML).text_lv == (
        "Pieprasījums nav derīgs. Saturs nav pareizi veidots XML.")
