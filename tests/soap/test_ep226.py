"""EP226 end to end (RULES §2, §3, §4 EP226, §5, §6): adults only, documents since 2023 of
published sessions, e-documents sealed once, paper copies and applications."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from gateway.demo import DEMO_CLOCK_START
from gateway.ns import DS
from gateway.soap import contract
from gateway.store.models import Document, DocumentApplication, ExamSession, Result
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, payload
from tests.stand import Stand

ADDRESS = {"recipient": "Jānis Bērziņš", "street": "Brīvības iela 1-2", "city": "Rīga",
           "postalCode": "LV-1010", "country": "LV"}


def numbers(caller: Caller, requester: str, subject: str) -> list[str]:
    answer = caller.call("listDocuments", requester, personalCode=subject)
    assert contract.body_schema().validate(payload(caller.last_response))
    return [d.number for d in answer.documents.document] if answer.documents else []


def expected_numbers(engine: Engine, subject: str) -> set[str]:
    now = DEMO_CLOCK_START
    digits = subject.replace("-", "")
    with engine.connect() as conn:
        docs = conn.execute(
            select(Document.number, Document.kind, Document.session_code, Document.exam_code,
                   Document.issued_on).where(Document.personal_code == digits)).all()
        published = {c for c, at in conn.execute(select(ExamSession.code,
                                                        ExamSession.published_at))
                     if at <= now}
        passed = {(s, e) for s, e in conn.execute(
            select(Result.session_code, Result.exam_code).where(
                Result.personal_code == digits, Result.passed.is_(True)))}
    return {n for n, kind, session, exam, issued in docs
            if issued >= date(2023, 1, 1) and (session is None or session in published)
            and (kind != "ce_certificate" or (session, exam) in passed)}


@pytest.mark.parametrize(
    ("requester", "subject"),
    [
        pytest.param(P.JANIS, P.JANIS, id="adult self"),
        pytest.param(P.PETERIS, P.ANNA, id="parent of a minor"),
        pytest.param(P.MARA, P.MARTINS, id="guardian of a minor"),
        pytest.param(P.KATRINA, P.KATRINA, id="minor declared of age, self"),
        pytest.param(P.JELENA, P.JELENA, id="adult with language documents"),
        pytest.param(P.ALEKSEJS, P.ALEKSEJS, id="adult with a language decision"),
    ],
)
def test_list_shows_exactly_the_visible_documents(
    caller: Caller, stand_engine: Engine, requester: str, subject: str
) -> None:
    listed = numbers(caller, requester, subject)
    assert set(listed) == expected_numbers(stand_engine, subject)
    assert len(listed) == len(set(listed))


def test_cut_offs_hide_pre_2023_unpublished_and_failed(caller: Caller, stand_engine: Engine
                                                       ) -> None:
    jelena = numbers(caller, P.JELENA, P.JELENA)
    assert "2024/VVPP-000121" in jelena and "2022/VVPP-000132" not in jelena
    with stand_engine.connect() as conn:
        janis_all = set(conn.scalars(select(Document.number).where(
            Document.personal_code == P.JANIS.replace("-", ""))))
        failed = set(conn.scalars(select(Result.exam_code).where(
            Result.personal_code == P.JANIS.replace("-", ""), Result.passed.is_(False))))
    listed = numbers(caller, P.JANIS, P.JANIS)
    assert janis_all - set(listed), "Jānis has certificates from before 2023"
    assert all(not n.startswith("2022/") for n in listed)
    assert failed and not any(n.endswith(f"-{code}") for n in listed for code in failed)
    nikita = numbers(caller, P.JELENA, P.NIKITA)  # his only certificates are unpublished
    assert nikita == []


@pytest.mark.parametrize(
    ("requester", "subject", "code"),
    [
        pytest.param(P.ANNA, P.ANNA, "RequesterUnderage", id="a minor about themselves"),
        pytest.param(P.LIGA, P.ANNA, "RequesterUnderage", id="a minor about another"),
        pytest.param(P.PETERIS, P.JANIS, "NoMandate", id="parent of an adult child"),
        pytest.param(P.ANDRIS, P.LIGA, "NoMandate", id="parent without custody"),
        pytest.param(P.ALEKSEJS, P.OSKARS, "NoMandate", id="unknown subject"),
    ],
)
@pytest.mark.parametrize("operation", ["listDocuments", "getDocument"])
def test_refusals(caller: Caller, requester: str, subject: str, code: str,
                  operation: str) -> None:
    body: dict[str, Any] = {"personalCode": subject}
    if operation == "getDocument":
        body["documentNumber"] = "2025/220806211700-LVA"
    fault = expect_fault(lambda: caller.call(operation, requester, **body), code)
    if code == "RequesterUnderage":
        assert "vecākiem" in str(fault.detail.xpath("string(.)"))


def test_a_number_the_requester_may_not_see_is_not_found_alike(
    caller: Caller, stand_engine: Engine
) -> None:
    annas = numbers(caller, P.PETERIS, P.ANNA)
    with stand_engine.connect() as conn:
        unpublished = conn.scalar(select(Document.number).where(
            Document.personal_code == P.NIKITA.replace("-", "")))
    assert annas and unpublished
    cases = [
        (P.JANIS, P.JANIS, annas[0]),  # another person's document
        (P.PETERIS, P.PETERIS, annas[0]),  # his child's document, asked as his own
        (P.JANIS, P.JANIS, "2024/000000000000-XXX"),  # no such document
        (P.JELENA, P.NIKITA, unpublished),  # her child's, but not yet published
    ]
    faults = []
    for requester, subject, number in cases:
        expect_fault(lambda r=requester, s=subject, n=number: caller.call(
            "getDocument", r, personalCode=s, documentNumber=n), "DocumentNotFound")
        faults.append(etree.tostring(payload(caller.last_response), method="c14n"))
    assert len(set(faults)) == 1, "no answer tells whether the document exists"


def download(caller: Caller, requester: str, subject: str, number: str) -> bytes:
    answer = caller.call("getDocument", requester, personalCode=subject, documentNumber=number)
    assert answer.documentNumber == number
    assert answer.mimeType == "application/vnd.etsi.asic-e+zip"
    assert answer.fileName.endswith(".edoc")
    assert hashlib.sha256(answer.content).hexdigest() == answer.sha256
    assert contract.body_schema().validate(payload(caller.last_response))
    return bytes(answer.content)


def test_a_downloaded_edoc_passes_gateway_verify_and_an_independent_check(
    caller: Caller, stand: Stand, tmp_path: Path
) -> None:
    number = numbers(caller, P.JANIS, P.JANIS)[0]
    edoc = download(caller, P.JANIS, P.JANIS, number)
    path = tmp_path / "certificate.edoc"
    path.write_bytes(edoc)
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "verify", str(path)],
                          capture_output=True, text=True, env=stand.env, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

    with zipfile.ZipFile(io.BytesIO(edoc)) as container:
        names = container.namelist()
        assert names[0] == "mimetype"
        assert container.infolist()[0].compress_type == zipfile.ZIP_STORED
        assert container.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        pdf_name = next(n for n in names if n.endswith(".pdf"))
        pdf = container.read(pdf_name)
        signatures = container.read("META-INF/signatures0.xml")
        assert "META-INF/manifest.xml" in names
    assert pdf.startswith(b"%PDF-")
    (tmp_path / pdf_name).write_bytes(pdf)
    (tmp_path / "signatures0.xml").write_bytes(signatures)
    digest = subprocess.run(["sha256sum", str(tmp_path / pdf_name)], capture_output=True,
                            text=True, check=True).stdout.split()[0]
    reference = etree.fromstring(signatures).find(
        f".//{{{DS}}}Reference[@URI='{pdf_name}']/{{{DS}}}DigestValue")
    assert reference is not None
    assert base64.b64decode(reference.text or "").hex() == digest
    checked = subprocess.run(
        ["xmlsec1", "--verify", "--trusted-pem", str(stand.ca_pem), "--id-attr:Id",
         "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", f"--url-map:{pdf_name}",
         str(tmp_path / pdf_name), str(tmp_path / "signatures0.xml")],
        capture_output=True, text=True, check=False, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_the_second_download_serves_the_stored_bytes(
    caller: Caller, stand_engine: Engine
) -> None:
    number = numbers(caller, P.PETERIS, P.ANNA)[0]
    first = download(caller, P.PETERIS, P.ANNA, number)
    with stand_engine.connect() as conn:
        sealed_at = conn.scalar(select(Document.sealed_at).where(Document.number == number))
    second = download(caller, P.PETERIS, P.ANNA, number)
    with stand_engine.connect() as conn:
        again = conn.scalar(select(Document.sealed_at).where(Document.number == number))
    assert first == second
    assert sealed_at is not None and again == sealed_at


def test_a_second_paper_copy_request_returns_the_open_one(
    caller: Caller, stand_engine: Engine
) -> None:
    number = numbers(caller, P.JANIS, P.JANIS)[-1]
    first = caller.call("requestPaperCopy", P.JANIS, personalCode=P.JANIS,
                        documentNumber=number, deliveryAddress=ADDRESS)
    second = caller.call("requestPaperCopy", P.JANIS, personalCode=P.JANIS,
                         documentNumber=number, deliveryAddress=ADDRESS)
    assert contract.body_schema().validate(payload(caller.last_response))
    assert first.paperCopy.status == "open"
    assert second.paperCopy.requestId == first.paperCopy.requestId
    assert (first.alreadyRequested, second.alreadyRequested) == (False, True)
    listed = caller.call("listDocuments", P.JANIS, personalCode=P.JANIS).documents.document
    entry = next(d for d in listed if d.number == number)
    assert entry.paperCopy.requestId == first.paperCopy.requestId
    assert entry.paperCopy.status == "open"


def test_a_paper_copy_of_a_document_not_listed_is_not_found(caller: Caller) -> None:
    expect_fault(lambda: caller.call("requestPaperCopy", P.JANIS, personalCode=P.JANIS,
                                     documentNumber="2024/000000000000-XXX",
                                     deliveryAddress=ADDRESS), "DocumentNotFound")


def test_an_application_gets_a_reference_number(caller: Caller, stand_engine: Engine) -> None:
    answer = caller.call("submitDocumentApplication", P.PETERIS, personalCode=P.ANNA,
                         examCode="MAT09", schoolYear="2025/2026",
                         text="Sertifikāts nav redzams sarakstā.",
                         contactEmail="peteris@example.lv")
    assert answer.reference.startswith("VPIS-") and answer.status == "received"
    assert contract.body_schema().validate(payload(caller.last_response))
    with stand_engine.connect() as conn:
        row = conn.execute(select(DocumentApplication).where(
            DocumentApplication.reference == answer.reference)).one()
    assert row.subject_code == P.ANNA.replace("-", "")
    assert row.requester_code == P.PETERIS.replace("-", "")
    assert row.email == "peteris@example.lv"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@example.lv\nBcc: y@z.lv"])
def test_a_bad_contact_email_is_an_invalid_request(caller: Caller, email: str) -> None:
    expect_fault(lambda: caller.call("submitDocumentApplication", P.JANIS,
                                     personalCode=P.JANIS, schoolYear="2024/2025",
                                     text="x", contactEmail=email), "InvalidRequest")
