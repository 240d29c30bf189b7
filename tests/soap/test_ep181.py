"""EP181 getExamResults end to end (RULES §3, §4 EP181, §5), through zeep as latvija.gov.lv."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from gateway.demo import DEMO_CLOCK_START
from gateway.soap import contract
from gateway.store.models import ExamSession, Result
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload


def results_of(caller: Caller, requester: str, subject: str) -> list[dict[str, object]]:
    answer = caller.call("getExamResults", requester, personalCode=subject)
    return [dict(r) for r in answer.results.result] if answer.results else []


def test_own_results_are_passed_only_newest_first_with_parts(
    caller: Caller, stand_engine: Engine
) -> None:
    answer = caller.call("getExamResults", P.JANIS, personalCode=P.JANIS)
    assert answer.personalCode == P.JANIS
    rows = answer.results.result
    assert rows, "Jānis has passed results"
    with stand_engine.connect() as conn:
        expected = conn.execute(
            select(Result.session_code, Result.exam_code)
            .join(ExamSession, ExamSession.code == Result.session_code)
            .where(Result.personal_code == P.JANIS.replace("-", ""), Result.passed.is_(True),
                   ExamSession.published_at <= DEMO_CLOCK_START,
                   ExamSession.school_year >= "2010/2011")
        ).all()
        failed = conn.execute(
            select(Result.exam_code).where(Result.personal_code == P.JANIS.replace("-", ""),
                                           Result.passed.is_(False))
        ).scalars().all()
    assert sorted((r.sessionCode, r.examCode) for r in rows) == sorted(expected)
    assert failed and not {r.examCode for r in rows} & set(failed)
    years = [r.schoolYear for r in rows]
    assert years == sorted(years, reverse=True)
    for row in rows:
        assert row.parts.part, "every demo exam with parts shows them"
        assert all(0 <= p.percent <= 100 for p in row.parts.part)
    assert contract.body_schema().validate(payload(caller.last_response))


def test_cefr_level_only_where_the_exam_has_one(caller: Caller) -> None:
    rows = caller.call("getExamResults", P.JANIS, personalCode=P.JANIS).results.result
    with_cefr = [r for r in rows if r.cefrLevel]
    assert with_cefr and all(r.examCode in {"ANG", "KRV", "VAC", "FRA", "ANG09", "KRV09",
                                            "VAC09", "FRA09"} for r in with_cefr)


@pytest.mark.parametrize(
    ("requester", "subject"),
    [
        pytest.param(P.PETERIS, P.ANNA, id="parent with custody of a minor"),
        pytest.param(P.INESE, P.LIGA, id="mother with custody"),
        pytest.param(P.MARA, P.MARTINS, id="guardian of a minor"),
        pytest.param(P.DACE, P.ERIKS, id="guardian of an adult within validity"),
        pytest.param(P.JELENA, P.NIKITA, id="parent of a minor with a new-format code"),
        pytest.param(P.SOFIJA, P.SOFIJA, id="self with a new-format code"),
        pytest.param(P.ANNA, P.ANNA, id="a minor sees their own results"),
    ],
)
def test_allowed_requesters_get_the_subjects_results(
    caller: Caller, requester: str, subject: str
) -> None:
    answer = caller.call("getExamResults", requester, personalCode=subject)
    assert answer.personalCode == subject


@pytest.mark.parametrize(
    ("requester", "subject"),
    [
        pytest.param(P.PETERIS, P.JANIS, id="parent of an adult child"),
        pytest.param(P.ANDRIS, P.LIGA, id="parent whose custody was removed"),
        pytest.param(P.RUTA, P.ELIZA, id="guardian of an adult after validity"),
        pytest.param(P.GATIS, P.KATRINA, id="parent of a minor declared of age"),
        pytest.param(P.ALEKSEJS, P.ANNA, id="a stranger"),
        pytest.param(P.ANNA, P.PETERIS, id="a child asking about a parent"),
        pytest.param(P.ALEKSEJS, P.OSKARS, id="a subject unknown to the register"),
    ],
)
def test_everyone_else_is_refused(caller: Caller, requester: str, subject: str) -> None:
    expect_fault(lambda: caller.call("getExamResults", requester, personalCode=subject),
                 "NoMandate")


def test_an_unknown_subject_is_refused_exactly_like_a_known_one(caller: Caller) -> None:
    def refusal(subject: str) -> bytes:
        expect_fault(lambda: caller.call("getExamResults", P.ALEKSEJS, personalCode=subject),
                     "NoMandate")
        from lxml import etree

        return etree.tostring(caller.last_response, method="c14n")

    assert refusal(P.OSKARS) == refusal(P.ANNA)


def test_unpublished_and_pre_2011_results_are_not_shown(
    caller: Caller, stand_engine: Engine
) -> None:
    now = DEMO_CLOCK_START
    with stand_engine.connect() as conn:
        hidden = conn.execute(
            select(Result.personal_code, ExamSession.code)
            .join(ExamSession, ExamSession.code == Result.session_code)
            .where(Result.passed.is_(True),
                   (ExamSession.published_at > now) | (ExamSession.school_year < "2010/2011"))
        ).all()
    sessions = {code for _, code in hidden}
    assert any(s.startswith("2027") for s in sessions), "the demo has a future session"
    assert any(s.startswith("2010") for s in sessions), "the demo has 2009/2010 results"
    for digits in sorted({d for d, _ in hidden})[:6]:
        code = f"{digits[:6]}-{digits[6:]}"
        rows = caller.call("getExamResults", code, personalCode=code).results
        shown = {r.sessionCode for r in rows.result} if rows else set()
        assert not shown & sessions


def test_nikitas_only_results_are_unpublished_so_the_list_is_empty(caller: Caller) -> None:
    answer = caller.call("getExamResults", P.JELENA, personalCode=P.NIKITA)
    assert not answer.results or not answer.results.result


def test_the_hyphenless_form_is_the_same_person(caller: Caller) -> None:
    answer = caller.call("getExamResults", P.JANIS, personalCode=P.JANIS.replace("-", ""))
    assert answer.personalCode == P.JANIS


@pytest.mark.parametrize(
    ("subject", "code"),
    [
        pytest.param("220806-21171", "InvalidPersonalCode", id="wrong check digit"),
        pytest.param("310206-21170", "InvalidPersonalCode", id="impossible date"),
        pytest.param("2208062117", "InvalidRequest", id="ten digits"),
        pytest.param("２２０８０６-21170", "InvalidRequest", id="full-width digits"),
        pytest.param("220806 21170", "InvalidRequest", id="space"),
        pytest.param("", "InvalidRequest", id="empty"),
    ],
)
def test_bad_subject_codes_are_client_faults(caller: Caller, subject: str, code: str) -> None:
    expect_fault(lambda: caller.call("getExamResults", P.JANIS, personalCode=subject), code)
