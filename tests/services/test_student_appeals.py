"""The portal's results page shows an appeal's decision to the student (RULES §13: "the
appeal's reference shows its decision to whoever filed it and to the student"): open, then
rejected (the certificate valid again) or upheld (the result shown once, with its new
certificate, and the appeal that brought it), through the services floor, on each database."""

from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import Engine

from gateway.domain.certificate_status import CertificateStatus
from gateway.domain.documents import AppealOutcome, AppealStatus
from gateway.portal.texts import TEXTS
from gateway.services.student import student_results
from gateway.store.importer import import_document
from gateway.store.queries import PortalRow
from tests.store.test_appeal_decisions import REF, _appealed, rejected, upheld
from tests.store.test_import import SMALL
from tests.store.test_import_status import ANNA, NEW, NOW, OLD, corrected


def the_row(engine: Engine) -> PortalRow:
    (row,) = student_results(engine, ANNA, NOW).rows
    return row


def test_an_open_appeal_is_shown_with_its_certificate(engine: Engine) -> None:
    _appealed(engine)
    row = the_row(engine)
    assert (row.certificate_number, row.certificate_status) == (
        OLD, CertificateStatus.UNDER_APPEAL)
    assert row.appeal is not None
    assert (row.appeal.reference, row.appeal.status, row.appeal.decision) == (
        REF, AppealStatus.OPEN, None)


def test_a_rejected_appeal_shows_its_decision_and_the_certificate_valid(engine: Engine) -> None:
    _appealed(engine)
    import_document(engine, rejected())
    row = the_row(engine)
    assert (row.certificate_number, row.certificate_status, row.downloadable) == (
        OLD, CertificateStatus.VALID, True)
    assert row.appeal is not None
    assert (row.appeal.reference, row.appeal.decision, row.appeal.decided_on) == (
        REF, AppealOutcome.REJECTED, date(2024, 7, 18))


def test_an_upheld_appeal_shows_its_decision_beside_the_new_certificate(engine: Engine) -> None:
    _appealed(engine)
    import_document(engine, upheld())
    row = the_row(engine)  # the result once, with its current certificate
    assert (row.certificate_number, row.certificate_status) == (NEW, CertificateStatus.VALID)
    assert row.appeal is not None
    assert (row.appeal.reference, row.appeal.decision, row.appeal.decided_on,
            row.appeal.new_certificate) == (REF, AppealOutcome.UPHELD, date(2024, 7, 18), NEW)


def test_a_correction_without_an_appeal_shows_none(engine: Engine) -> None:
    import_document(engine, copy.deepcopy(SMALL))
    assert the_row(engine).appeal is None
    import_document(engine, corrected())
    row = the_row(engine)
    assert (row.certificate_number, row.appeal) == (NEW, None)


def test_the_words_of_every_appeal_state_in_both_languages() -> None:
    for lang in ("lv", "en"):
        for state in ("open", "upheld", "rejected", "withdrawn"):
            text = TEXTS[lang][f"appeal_{state}"].format(reference=REF, date="18.07.2024")
            assert REF in text
