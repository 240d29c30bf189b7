"""RULES §3: who may act for whom."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.mandate import (
    Accessor,
    AccessorKind,
    Decision,
    Reason,
    RegisterRecord,
    RelationKind,
    Representative,
    decide,
    official_of,
)
from gateway.domain.personal_code import PersonalCode
from gateway.domain.prison import InmateRecord, Official
from tests.domain.reference import code, is_adult_reference, old_code

ON = date(2025, 3, 1)

CHILD = code(old_code(date(2010, 5, 15)))  # 14 on ON
GROWN = code(old_code(date(2000, 5, 15)))  # 24 on ON
BIRTHDAY = code(old_code(date(2007, 3, 1)))  # turns 18 on ON
PARENT = code("150372-11111")
OTHER = code(old_code(date(1975, 8, 9), "555"))
GRANDPARENT = code(old_code(date(1950, 1, 2), "777"))
STRANGER = code("32000000000")

ALLOW_PARENT = Decision(True, Reason.PARENT_WITH_CUSTODY)
ALLOW_GUARDIAN = Decision(True, Reason.GUARDIAN_OF_MINOR)
ALLOW_GUARDIAN_OF_ADULT = Decision(True, Reason.GUARDIAN_OF_ADULT)
REFUSED = Decision(False, Reason.NO_MANDATE)


def rep(
    who: PersonalCode,
    kind: RelationKind,
    *,
    custody: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Representative:
    return Representative(who.digits, kind, custody, valid_from, valid_to,
                          given_name="Vārds", family_name=f"Uzvārds {who.digits[:4]}")


def record(
    subject: PersonalCode, *reps: Representative, declared_of_age: bool = False
) -> RegisterRecord:
    return RegisterRecord(subject.digits, subject.birth_date, declared_of_age, reps)


PARENT_WITH_CUSTODY = rep(PARENT, RelationKind.PARENT, custody=True)
PARENT_WITHOUT_CUSTODY = rep(PARENT, RelationKind.PARENT, custody=False)
GUARDIAN = rep(PARENT, RelationKind.GUARDIAN)
GUARDIAN_OF_ADULT = rep(PARENT, RelationKind.GUARDIAN_OF_ADULT)
DAY = timedelta(days=1)

CASES = [
    pytest.param(
        CHILD, CHILD, None, ON, Decision(True, Reason.SELF), id="self-unknown-to-register"
    ),
    pytest.param(GROWN, GROWN, record(GROWN), ON, Decision(True, Reason.SELF), id="self-adult"),
    pytest.param(CHILD, CHILD, record(CHILD), ON, Decision(True, Reason.SELF), id="self-minor"),
    pytest.param(STRANGER, STRANGER, None, ON, Decision(True, Reason.SELF), id="self-new-format"),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, PARENT_WITH_CUSTODY),
        ON,
        ALLOW_PARENT,
        id="parent-custody-minor",
    ),
    pytest.param(
        PARENT, GROWN, record(GROWN, PARENT_WITH_CUSTODY), ON, REFUSED, id="parent-of-adult"
    ),
    pytest.param(
        PARENT, CHILD, record(CHILD, PARENT_WITHOUT_CUSTODY), ON, REFUSED, id="parent-no-custody"
    ),
    pytest.param(PARENT, CHILD, record(CHILD, GUARDIAN), ON, ALLOW_GUARDIAN, id="guardian-minor"),
    pytest.param(PARENT, GROWN, record(GROWN, GUARDIAN), ON, REFUSED, id="guardian-of-adult-kind"),
    pytest.param(
        PARENT,
        GROWN,
        record(GROWN, GUARDIAN_OF_ADULT),
        ON,
        ALLOW_GUARDIAN_OF_ADULT,
        id="guardian-of-adult-open-ended",
    ),
    pytest.param(
        PARENT,
        GROWN,
        record(GROWN, replace(GUARDIAN_OF_ADULT, valid_from=ON, valid_to=ON)),
        ON,
        ALLOW_GUARDIAN_OF_ADULT,
        id="guardian-of-adult-first-and-last-day",
    ),
    pytest.param(
        PARENT,
        GROWN,
        record(GROWN, replace(GUARDIAN_OF_ADULT, valid_from=ON + DAY)),
        ON,
        REFUSED,
        id="guardian-of-adult-before-valid-from",
    ),
    pytest.param(
        PARENT,
        GROWN,
        record(GROWN, replace(GUARDIAN_OF_ADULT, valid_to=ON - DAY)),
        ON,
        REFUSED,
        id="guardian-of-adult-after-valid-to",
    ),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, PARENT_WITH_CUSTODY, declared_of_age=True),
        ON,
        REFUSED,
        id="parent-of-minor-declared-of-age",
    ),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, GUARDIAN, declared_of_age=True),
        ON,
        REFUSED,
        id="guardian-of-minor-declared-of-age",
    ),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, GUARDIAN_OF_ADULT, declared_of_age=True),
        ON,
        ALLOW_GUARDIAN_OF_ADULT,
        id="guardian-of-adult-of-minor-declared-of-age",
    ),
    pytest.param(PARENT, CHILD, None, ON, REFUSED, id="subject-unknown-to-register"),
    pytest.param(STRANGER, CHILD, record(CHILD), ON, REFUSED, id="stranger-no-relations"),
    pytest.param(
        STRANGER,
        CHILD,
        record(CHILD, PARENT_WITH_CUSTODY),
        ON,
        REFUSED,
        id="stranger-known-subject",
    ),
    pytest.param(
        PARENT, CHILD, record(OTHER, PARENT_WITH_CUSTODY), ON, REFUSED, id="record-of-someone-else"
    ),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, rep(OTHER, RelationKind.PARENT, custody=True)),
        ON,
        REFUSED,
        id="other-parent-has-custody",
    ),
    pytest.param(
        GRANDPARENT,
        CHILD,
        record(CHILD, PARENT_WITH_CUSTODY),
        ON,
        REFUSED,
        id="representative-of-the-representative",
    ),
    pytest.param(
        PARENT,
        CHILD,
        record(CHILD, PARENT_WITHOUT_CUSTODY, rep(PARENT, RelationKind.GUARDIAN)),
        ON,
        ALLOW_GUARDIAN,
        id="one-relation-suffices",
    ),
    pytest.param(
        PARENT, BIRTHDAY, record(BIRTHDAY, PARENT_WITH_CUSTODY), ON, REFUSED, id="turns-18-today"
    ),
    pytest.param(
        PARENT,
        BIRTHDAY,
        record(BIRTHDAY, PARENT_WITH_CUSTODY),
        ON - DAY,
        ALLOW_PARENT,
        id="turns-18-tomorrow",
    ),
    pytest.param(
        PARENT,
        BIRTHDAY,
        record(BIRTHDAY, GUARDIAN_OF_ADULT),
        ON,
        ALLOW_GUARDIAN_OF_ADULT,
        id="guardian-of-adult-from-18th-birthday",
    ),
]


@pytest.mark.parametrize(("requester", "subject", "subject_record", "on", "expected"), CASES)
def test_decide(
    requester: PersonalCode,
    subject: PersonalCode,
    subject_record: RegisterRecord | None,
    on: date,
    expected: Decision,
) -> None:
    assert decide(requester, subject, subject_record, on) == expected


def test_unknown_subject_is_refused_exactly_like_a_stranger() -> None:
    # The answer must not reveal whether the subject exists (RULES §3).
    unknown = decide(PARENT, CHILD, None, ON)
    stranger = decide(
        PARENT, CHILD, record(CHILD, rep(OTHER, RelationKind.PARENT, custody=True)), ON
    )
    parent_of_adult = decide(PARENT, GROWN, record(GROWN, PARENT_WITH_CUSTODY), ON)
    assert unknown == stranger == parent_of_adult == Decision.refuse()
    assert not unknown.allowed


# --- Property: random small family graphs against an independent oracle -------------------

PEOPLE = [CHILD, GROWN, BIRTHDAY, PARENT, OTHER, STRANGER]
DATES = [None, date(2007, 3, 1), date(2020, 1, 1), ON - DAY, ON, ON + DAY, date(2030, 1, 1)]

representatives = st.builds(
    Representative,
    personal_code=st.sampled_from([p.digits for p in PEOPLE]),
    kind=st.sampled_from(RelationKind),
    custody=st.booleans(),
    valid_from=st.none() | st.sampled_from(DATES),
    valid_to=st.none() | st.sampled_from(DATES),
)
birth_dates = st.one_of(
    st.none(),
    st.sampled_from([date(2007, 2, 28), date(2007, 3, 1), date(2007, 3, 2)]),  # 18 around ON
    st.dates(date(1990, 1, 1), date(2020, 12, 31)),
)


@st.composite
def family(draw: st.DrawFn) -> tuple[PersonalCode, PersonalCode, RegisterRecord | None]:
    """A requester, a subject and the register's record of the subject (mostly theirs)."""
    requester = draw(st.sampled_from(PEOPLE))
    others = [p for p in PEOPLE if p != requester]
    subject = draw(st.sampled_from(others if draw(st.integers(0, 9)) else PEOPLE))
    if draw(st.integers(0, 9)) == 0:
        return requester, subject, None
    owner = subject.digits if draw(st.integers(0, 9)) else draw(st.sampled_from(PEOPLE)).digits
    reps = draw(st.lists(representatives, max_size=4))
    if draw(st.booleans()) and reps:  # make the requester appear in the record often
        reps[0] = replace(reps[0], personal_code=requester.digits)
    rec = RegisterRecord(owner, draw(birth_dates), draw(st.booleans()), tuple(reps))
    return requester, subject, rec


def allowed_reasons(
    requester: PersonalCode, subject: PersonalCode, rec: RegisterRecord | None, on: date
) -> set[Reason]:
    """The four rules of RULES §3, each checked on its own; empty when none holds."""
    if requester == subject:
        return {Reason.SELF}
    if rec is None or rec.personal_code != subject.digits:
        return set()
    adult = is_adult_reference(rec.birth_date, on, declared_of_age=rec.declared_of_age)
    reasons = set()
    for r in rec.representatives:
        in_force = (r.valid_from is None or r.valid_from <= on) and (
            r.valid_to is None or on <= r.valid_to
        )
        if r.personal_code != requester.digits or not in_force:
            continue
        if r.kind == "parent" and r.custody and not adult:
            reasons.add(Reason.PARENT_WITH_CUSTODY)
        if r.kind == "guardian" and not adult:
            reasons.add(Reason.GUARDIAN_OF_MINOR)
        if r.kind == "guardian_of_adult" and adult:
            reasons.add(Reason.GUARDIAN_OF_ADULT)
    return reasons


ON_DATES = [d for d in DATES if d is not None] + [date(2025, 2, 28)]


@settings(max_examples=500)
@given(graph=family(), on=st.sampled_from(ON_DATES))
def test_decision_follows_the_four_rules(
    graph: tuple[PersonalCode, PersonalCode, RegisterRecord | None], on: date
) -> None:
    requester, subject, rec = graph
    reasons = allowed_reasons(requester, subject, rec, on)
    decision = decide(requester, subject, rec, on)
    if reasons:
        assert decision.allowed
        assert decision.reason in reasons
    else:
        assert decision == REFUSED
    # RULES §13: whatever the decision, the requester is named when the subject's record lists
    # them in any relation (in force or not), and only then
    listed = {r.name for r in rec.representatives if r.personal_code == requester.digits} if (
        rec is not None and rec.personal_code == subject.digits and requester != subject
    ) else set()
    if listed:
        assert decision.accessor is not None
        assert decision.accessor.kind is AccessorKind.REPRESENTATIVE
        assert decision.accessor.name in listed
    else:
        assert decision.accessor is None


def _named(who: PersonalCode) -> Accessor:
    return Accessor(AccessorKind.REPRESENTATIVE, f"Vārds Uzvārds {who.digits[:4]}")


@pytest.mark.parametrize(("requester", "subject", "subject_record", "allowed", "named"), [
    pytest.param(PARENT, CHILD, record(CHILD, PARENT_WITH_CUSTODY), True, _named(PARENT),
                 id="parent with custody"),
    pytest.param(PARENT, GROWN, record(GROWN, PARENT_WITH_CUSTODY), False, _named(PARENT),
                 id="parent of an adult"),
    pytest.param(PARENT, CHILD, record(CHILD, PARENT_WITHOUT_CUSTODY), False, _named(PARENT),
                 id="custody removed"),
    pytest.param(PARENT, GROWN, record(GROWN, rep(PARENT, RelationKind.GUARDIAN_OF_ADULT,
                                                  valid_to=ON - DAY)),
                 False, _named(PARENT), id="expired guardianship"),
    pytest.param(STRANGER, CHILD, record(CHILD, PARENT_WITH_CUSTODY), False, None,
                 id="stranger"),
    pytest.param(CHILD, CHILD, record(CHILD, PARENT_WITH_CUSTODY), True, None, id="self"),
    pytest.param(PARENT, CHILD, None, False, None, id="unknown to the register"),
])
def test_the_decision_names_a_listed_representative_allowed_or_refused(
    requester: PersonalCode, subject: PersonalCode, subject_record: RegisterRecord | None,
    allowed: bool, named: Accessor | None,
) -> None:
    decision = decide(requester, subject, subject_record, ON)
    assert (decision.allowed, decision.accessor) == (allowed, named)


def test_an_official_is_named_in_any_term_others_not() -> None:
    inmate = InmateRecord(GROWN.digits, "Olaines cietums", (
        Official(OTHER.digits, "Ilona", "Kalniņa", ON - 10 * DAY),
        Official(PARENT.digits, "Edgars", "Lūsis", date(2020, 1, 1), ON - 20 * DAY),
    ))
    assert official_of(OTHER.digits, inmate) == Accessor(AccessorKind.OFFICIAL, "Ilona Kalniņa")
    assert official_of(PARENT.digits, inmate) == Accessor(AccessorKind.OFFICIAL, "Edgars Lūsis")
    assert official_of(STRANGER.digits, inmate) is None
    assert official_of(OTHER.digits, None) is None


@given(graph=family(), on=st.sampled_from(ON_DATES))
def test_every_refusal_looks_like_an_unknown_subject(
    graph: tuple[PersonalCode, PersonalCode, RegisterRecord | None], on: date
) -> None:
    requester, subject, rec = graph
    decision = decide(requester, subject, rec, on)
    if requester != subject and not decision.allowed:
        assert decision == decide(requester, subject, None, on)
