"""The lean register client against the contract as zeep reads it (issue 13, item 1).

The clients no longer use zeep at run time; zeep stays the independent reader of the committed
WSDLs. For both registers: the request the lean client puts on the wire is the message zeep
writes for the same call (up to namespace prefixes), zeep reads it back as the operation's
input, and the register's side (the simulator's checks against the schemas) accepts it. And on
many generated answers — records built by hypothesis, written by the simulator, with the other
lexical forms the schema allows — the lean reader and zeep's reading of the WSDL agree.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
import zeep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.domain.personal_code import parse_personal_code
from gateway.domain.prison import InmateRecord, Official
from gateway.ns import SOAP11_ENV, XROAD
from gateway.registry import contract
from gateway.registry.answer import record_from_answer
from gateway.registry.caller import check_answer
from gateway.registry.prison_client import record_from_prison_answer
from gateway.registry.registers import IEVP_REGISTER, PMLP_REGISTER, RegisterContract
from gateway.registry.request import RequestTemplate
from gateway.settings import XRoadMember
from gateway.simulators.prison_fixture import load_prison_fixture, prison_answer_element
from gateway.simulators.register_envelope import (
    RegisterRequest,
    answer_element,
    build_answer,
    read_request,
)
from gateway.simulators.register_fixture import RegisterFixture
from tests.domain.reference import new_codes, old_codes
from tests.registry import people as p
from tests.registry.conftest import DATA, REGISTER, US
from tests.registry.test_prison import PRISONS

MESSAGE_ID = "0123456789abcdef0123456789abcdef"
USER = "LV" + p.MOTHER.digits
CASES = [pytest.param(PMLP_REGISTER, REGISTER, id="pmlp"),
         pytest.param(IEVP_REGISTER, PRISONS, id="ievp")]


@cache
def zeep_client(register: RegisterContract) -> Any:
    """zeep over the committed WSDL, as strict as the gateway ever set it."""
    return zeep.Client(str(register.wsdl), settings=zeep.Settings(
        strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True))


def operation(register: RegisterContract) -> Any:
    return zeep_client(register).wsdl.bindings[register.binding].get(register.service_code)


def normal(element: etree._Element) -> tuple[Any, ...]:
    """An element as names, attributes, text and children: prefixes and layout left out."""
    return (element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
            tuple(normal(c) for c in element if isinstance(c.tag, str)))


def zeep_headers(own: XRoadMember, service: XRoadMember, register: RegisterContract
                 ) -> dict[str, Any]:
    def member(m: XRoadMember) -> dict[str, str]:
        return {"xRoadInstance": m.instance, "memberClass": m.member_class,
                "memberCode": m.member_code, "subsystemCode": m.subsystem_code}

    return {"client": dict(member(own), objectType="SUBSYSTEM"),
            "service": dict(member(service), objectType="SERVICE",
                            serviceCode=register.service_code,
                            serviceVersion=register.service_version),
            "id": MESSAGE_ID, "userId": USER, "protocolVersion": "4.0"}


def lean_request(register: RegisterContract, service: XRoadMember, code: str) -> bytes:
    return RequestTemplate(register, US, service).render(MESSAGE_ID, USER, code)


@pytest.mark.parametrize(("register", "service"), CASES)
def test_the_lean_request_is_the_message_zeep_writes(register: RegisterContract,
                                                     service: XRoadMember) -> None:
    client = zeep_client(register)
    proxy = client.create_service(register.binding, "http://127.0.0.1:9/")
    written = client.create_message(proxy, register.service_code, personalCode=p.ANNA.digits,
                                    _soapheaders=zeep_headers(US, service, register))
    assert normal(etree.fromstring(lean_request(register, service, p.ANNA.digits))) == normal(
        written)


@pytest.mark.parametrize(("register", "service"), CASES)
def test_zeep_reads_the_lean_request_as_the_operations_input(register: RegisterContract,
                                                             service: XRoadMember) -> None:
    read = operation(register).input.deserialize(
        etree.fromstring(lean_request(register, service, p.ANNA.digits)))
    assert read.body.personalCode == p.ANNA.digits
    assert (read.header.id, read.header.userId, read.header.protocolVersion) == (
        MESSAGE_ID, USER, "4.0")
    assert read.header.client.subsystemCode == US.subsystem_code
    assert read.header.service.serviceCode == register.service_code


@pytest.mark.parametrize(("register", "service"), CASES)
def test_the_lean_request_is_valid_against_the_contract_schemas(register: RegisterContract,
                                                                service: XRoadMember) -> None:
    data = lean_request(register, service, p.ANNA.digits)
    checked = read_request(data, service, register)  # the register's side: headers + body
    assert (checked.message_id, checked.personal_code) == (MESSAGE_ID, p.ANNA.digits)
    root = etree.fromstring(data)
    body = root.find(f"{{{SOAP11_ENV}}}Body/{register.request.text}")
    assert body is not None and register.body_schema().validate(body)
    header = root.find(f"{{{SOAP11_ENV}}}Header")
    assert header is not None
    for element in header.iterchildren(f"{{{XROAD}}}*"):
        assert contract.header_schema().validate(element), element.tag


def test_values_are_escaped_into_the_template() -> None:
    data = RequestTemplate(PMLP_REGISTER, US, REGISTER).render("<&>", "LV&", "1<2")
    root = etree.fromstring(data)
    assert root.findtext(f".//{{{XROAD}}}id") == "<&>"
    assert root.findtext(f".//{{{XROAD}}}userId") == "LV&"


# --- the same answers, read by both -------------------------------------------------------

codes = st.one_of(old_codes, new_codes).map(lambda raw: parse_personal_code(raw).digits)
days = st.dates(date(1900, 1, 1), date(2099, 12, 31))
names = st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")),
                min_size=1, max_size=100)


@st.composite
def representatives(draw: st.DrawFn, subject: str) -> Representative:
    start, end = draw(st.none() | days), draw(st.none() | days)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return Representative(draw(codes.filter(lambda c: c != subject)),
                          draw(st.sampled_from(RelationKind)), draw(st.booleans()), start, end,
                          given_name=draw(names), family_name=draw(names))


@st.composite
def register_records(draw: st.DrawFn) -> tuple[str, RegisterRecord | None]:
    subject = draw(codes)
    if draw(st.integers(0, 5)) == 0:
        return subject, None
    reps = draw(st.lists(representatives(subject), max_size=5))
    return subject, RegisterRecord(subject, draw(days), draw(st.booleans()), tuple(reps))


@st.composite
def inmate_records(draw: st.DrawFn) -> tuple[str, InmateRecord | None]:
    subject = draw(codes)
    if draw(st.integers(0, 5)) == 0:
        return subject, None
    officials = []
    for _ in range(draw(st.integers(0, 4))):
        start, end = draw(days), draw(st.none() | days)
        if end is not None and end < start:
            start, end = end, start
        officials.append(Official(draw(codes.filter(lambda c: c != subject)), draw(names),
                                  draw(names), start, end))
    return subject, InmateRecord(subject, draw(names), tuple(officials))


_BOOLEAN = {"true": ["true", "1", " true\n"], "false": ["false", "0", "\tfalse "]}
BOOLEANS = {"found", "declaredOfAge", "custody", "inCustody"}
DATES = {"birthDate", "validFrom", "validTo"}
"""The xsd:boolean and xsd:date elements of both schemas (names are xsd:string: left alone)."""


def other_lexical_forms(payload: etree._Element, draw: st.DrawFn) -> None:
    """Rewrite booleans and dates into other forms the schema allows (XSD Part 2 §3.2.2,
    §3.2.9: 1/0, white space around a boolean, a time zone on a date; libxml2 refuses
    white space around a date)."""
    for element in payload.iter():
        name, value = etree.QName(element).localname, element.text or ""
        if name in BOOLEANS:
            element.text = draw(st.sampled_from(_BOOLEAN[value]))
        elif name in DATES:
            element.text = value + draw(st.sampled_from(["", "Z", "+02:00", "-11:00"]))


def answer_bytes(register: RegisterContract, service: XRoadMember, subject: str,
                 payload: etree._Element) -> bytes:
    """The simulator's answer to the lean client's request about ``subject``."""
    request: RegisterRequest = read_request(lean_request(register, service, subject), service,
                                            register)
    return build_answer(request, payload)


def zeep_reading(register: RegisterContract, data: bytes) -> Any:
    read = operation(register).output.deserialize(etree.fromstring(data))
    assert (read.header.id, read.header.userId) == (MESSAGE_ID, USER)
    return read.body


def zeep_register_record(body: Any) -> RegisterRecord | None:
    if not body.found:
        return None
    person = body.person
    reps = person.representatives.representative if person.representatives else []
    return RegisterRecord(person.personalCode, person.birthDate, person.declaredOfAge, tuple(
        Representative(r.personalCode, RelationKind(r.kind), r.custody, r.validFrom, r.validTo,
                       given_name=r.givenName, family_name=r.familyName)
        for r in reps or []))


def zeep_inmate_record(body: Any) -> InmateRecord | None:
    if not body.inCustody:
        return None
    inmate = body.inmate
    officials = inmate.officials.official if inmate.officials else []
    return InmateRecord(inmate.personalCode, inmate.institution, tuple(
        Official(o.personalCode, o.givenName, o.familyName, o.validFrom, o.validTo)
        for o in officials or []))


AGREE = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@AGREE
@given(case=register_records(), data=st.data())
def test_lean_and_zeep_read_the_same_register_answers(
        case: tuple[str, RegisterRecord | None], data: st.DataObject) -> None:
    subject, record = case
    payload = answer_element(record)
    other_lexical_forms(payload, data.draw)
    sent = answer_bytes(PMLP_REGISTER, REGISTER, subject, payload)
    lean = record_from_answer(check_answer(200, sent, PMLP_REGISTER, message_id=MESSAGE_ID,
                                           user_id=USER), subject)
    assert lean == zeep_register_record(zeep_reading(PMLP_REGISTER, sent)) == record


@AGREE
@given(case=inmate_records(), data=st.data())
def test_lean_and_zeep_read_the_same_prison_answers(
        case: tuple[str, InmateRecord | None], data: st.DataObject) -> None:
    subject, record = case
    payload = prison_answer_element(record)
    other_lexical_forms(payload, data.draw)
    sent = answer_bytes(IEVP_REGISTER, PRISONS, subject, payload)
    lean = record_from_prison_answer(check_answer(200, sent, IEVP_REGISTER,
                                                  message_id=MESSAGE_ID, user_id=USER), subject)
    assert lean == zeep_inmate_record(zeep_reading(IEVP_REGISTER, sent)) == record


def test_lean_and_zeep_agree_on_every_person_of_the_fixtures(family: RegisterFixture) -> None:
    for subject in [*family.records, p.UNKNOWN.digits]:
        sent = answer_bytes(PMLP_REGISTER, REGISTER, subject,
                            answer_element(family.find(subject)))
        lean = record_from_answer(check_answer(200, sent, PMLP_REGISTER, message_id=MESSAGE_ID,
                                               user_id=USER), subject)
        assert lean == zeep_register_record(zeep_reading(PMLP_REGISTER, sent))
        assert lean == family.find(subject)
    prisons = load_prison_fixture(DATA / "prison.json")
    for subject in [*prisons.records, p.UNKNOWN.digits]:
        sent = answer_bytes(IEVP_REGISTER, PRISONS, subject,
                            prison_answer_element(prisons.find(subject)))
        inmate = record_from_prison_answer(check_answer(
            200, sent, IEVP_REGISTER, message_id=MESSAGE_ID, user_id=USER), subject)
        assert inmate == zeep_inmate_record(zeep_reading(IEVP_REGISTER, sent))
        assert inmate == prisons.find(subject)
