"""Long-term seals (RULES §6): XAdES-B-LT and B-LTA against the demo PKI's real TSA and OCSP
responder (Certomancer on 127.0.0.1), verified with the clock 20 years ahead, and refused for
each way the long-term part can be wrong."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from lxml import etree

from gateway.errors import SealingUnavailable, SignatureInvalid
from gateway.ns import DS, XADES
from gateway.signing.asice import SIGNATURES, build_container, read_container
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import load_eseal_key
from gateway.signing.sealer import Sealer, level_of, load_sealer
from gateway.signing.validation_data import ValidationClient
from gateway.signing.verify import verify_edoc
from gateway.signing.xades_lt import XADES141
from tests.pki import Pki, demo_pki

from .conftest import xmlsec1_verifies  # noqa: F401  (the fixture module is shared)

PDF = b"%PDF-1.4\n% a certificate\n"
PDF_NAME = "2026-147296056270-FRA09.pdf"
NS = {"ds": DS, "xades": XADES, "xadesv141": XADES141}
TWENTY_YEARS = timedelta(days=20 * 366)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with demo_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="module")
def sealer(pki: Pki) -> Iterator[Sealer]:
    sealer = load_sealer(pki.settings, pki.data_dir)
    yield sealer
    assert sealer.client is not None
    sealer.client.close()


@pytest.fixture(scope="module")
def sealed(sealer: Sealer) -> bytes:
    return sealer.seal_pdf(PDF_NAME, PDF, datetime.now(UTC))


def signature_of(edoc: bytes) -> etree._Element:
    return etree.fromstring(read_container(edoc).signatures[SIGNATURES])


def with_signature(edoc: bytes, root: etree._Element) -> bytes:
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return build_container(PDF_NAME, PDF, xml)


def refusal(edoc: bytes, pki: Pki, now: datetime | None = None) -> SignatureInvalid:
    with pytest.raises(SignatureInvalid) as refused:
        verify_edoc(edoc, ca_certificate=pki.ca, now=now)
    return refused.value


def test_a_sealed_edoc_is_b_lt_with_the_tsa_and_revocation_data(
    sealed: bytes, pki: Pki
) -> None:
    root = signature_of(sealed)
    assert level_of(read_container(sealed).signatures[SIGNATURES]) == "B-LT"
    props = root.find("ds:Signature/ds:Object/xades:QualifyingProperties/xades:UnsignedProperties"
                      "/xades:UnsignedSignatureProperties", NS)
    assert props is not None
    assert [etree.QName(p).localname for p in props] == [
        "SignatureTimeStamp", "CertificateValues", "RevocationValues"]
    certs = {x509.load_der_x509_certificate(base64.b64decode(e.text or ""))
             for e in props.iterfind("xades:CertificateValues/xades:EncapsulatedX509Certificate",
                                     NS)}
    assert {pki.ca, pki.certificate("tsa"), pki.certificate("ocsp")} <= certs
    answers = [ocsp.load_der_ocsp_response(base64.b64decode(e.text or "")) for e in
               props.iterfind("xades:RevocationValues/xades:OCSPValues/"
                              "xades:EncapsulatedOCSPValue", NS)]
    eseal = pki.certificate("eseal-rsa-sha256")
    assert sorted(a.serial_number for a in answers) == sorted(
        [eseal.serial_number, pki.certificate("tsa").serial_number])
    assert all(a.certificate_status == ocsp.OCSPCertStatus.GOOD for a in answers)


def test_it_verifies_now_and_with_the_clock_20_years_ahead(sealed: bytes, pki: Pki) -> None:
    later = datetime.now(UTC) + TWENTY_YEARS
    for name in ("ca", "tsa", "ocsp", "eseal-rsa-sha256"):  # every certificate has expired
        assert pki.certificate(name).not_valid_after_utc < later
    now_checks = verify_edoc(sealed, ca_certificate=pki.ca)
    later_checks = verify_edoc(sealed, ca_certificate=pki.ca, now=later)
    assert now_checks == later_checks
    assert any(c.startswith("signature time-stamp: over the SignatureValue") for c in later_checks)
    assert any(c.startswith("revocation: e-seal certificate not revoked (OCSP")
               for c in later_checks)
    assert any("XAdES-B-LT" in c for c in later_checks)


def test_a_b_b_seal_says_it_has_no_time_stamp(pki: Pki) -> None:
    """Without a TSA (development) the seal is B-B, and the verifier says what that lacks."""
    sealer = load_sealer(SigningSettings(), pki.data_dir)
    assert sealer.client is None and sealer.level == "B-B"
    checks = verify_edoc(sealer.seal_pdf(PDF_NAME, PDF, datetime.now(UTC)), ca_certificate=pki.ca)
    assert checks[-2] == "level: XAdES-B-B (no time-stamp: valid only while the certificate is)"
    assert "valid at the signing time" in checks[-3]


def test_xmlsec1_still_verifies_the_xmldsig_core(sealer: Sealer, sealed: bytes, pki: Pki,
                                                 tmp_path: Path) -> None:
    for edoc in (sealed, sealer.archive(sealed)):
        with zipfile.ZipFile(io.BytesIO(edoc)) as archive:
            archive.extractall(tmp_path)
        done = subprocess.run(
            ["xmlsec1", "--verify", "--trusted-pem", str(pki.ca_file), "--id-attr:Id",
             f"{XADES}:SignedProperties", f"--url-map:{PDF_NAME}", str(tmp_path / PDF_NAME),
             str(tmp_path / SIGNATURES)], capture_output=True, text=True, timeout=30,
            check=False)
        assert done.returncode == 0, done.stderr


def test_openssl_independently_verifies_the_time_stamp_and_the_ocsp_answer(
    sealed: bytes, pki: Pki, tmp_path: Path
) -> None:
    """OpenSSL's ``ts -verify`` checks the token's imprint over the exc-C14N SignatureValue and
    its signature to the pinned CA; ``ocsp -respin`` the OCSP answer's signature."""
    root = signature_of(sealed)
    value = root.find("ds:Signature/ds:SignatureValue", NS)
    assert value is not None
    (tmp_path / "covered").write_bytes(etree.tostring(value, method="c14n", exclusive=True))
    token = root.findtext(".//xades:SignatureTimeStamp/xades:EncapsulatedTimeStamp",
                          namespaces=NS)
    (tmp_path / "token").write_bytes(base64.b64decode(token or ""))
    (tmp_path / "other").write_bytes(PDF)
    command = ["openssl", "ts", "-verify", "-token_in", "-in", str(tmp_path / "token"),
               "-CAfile", str(pki.ca_file), "-data"]
    good = subprocess.run([*command, str(tmp_path / "covered")], capture_output=True, text=True,
                          timeout=30, check=False)
    assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stderr
    other = subprocess.run([*command, str(tmp_path / "other")], capture_output=True, text=True,
                           timeout=30, check=False)
    assert other.returncode != 0 and "message imprint mismatch" in other.stderr
    answer = root.findtext(".//xades:EncapsulatedOCSPValue", namespaces=NS)
    (tmp_path / "ocsp").write_bytes(base64.b64decode(answer or ""))
    checked = subprocess.run(["openssl", "ocsp", "-respin", str(tmp_path / "ocsp"), "-CAfile",
                              str(pki.ca_file), "-resp_text"], capture_output=True, text=True,
                             timeout=30, check=False)
    assert "Response verify OK" in checked.stderr + checked.stdout
    assert "Cert Status: good" in checked.stdout


def test_a_time_stamp_over_other_bytes_is_refused(sealer: Sealer, sealed: bytes,
                                                  pki: Pki) -> None:
    other = signature_of(sealer.seal_pdf(PDF_NAME, PDF + b"other", datetime.now(UTC)))
    root = signature_of(sealed)
    path = ".//xades:SignatureTimeStamp/xades:EncapsulatedTimeStamp"
    root.find(path, NS).text = other.findtext(path, namespaces=NS)  # type: ignore[union-attr]
    refused = refusal(with_signature(sealed, root), pki)
    assert refused.reason == "timestamp-imprint"
    assert "covers other bytes" in str(refused)


def test_a_missing_tsa_chain_is_refused(sealed: bytes, pki: Pki) -> None:
    root = signature_of(sealed)
    tsa = pki.certificate("tsa").public_bytes(Encoding.DER)
    for element in root.iterfind(".//xades:EncapsulatedX509Certificate", NS):
        if base64.b64decode(element.text or "") == tsa:
            element.getparent().remove(element)  # type: ignore[union-attr]
    refused = refusal(with_signature(sealed, root), pki)
    assert refused.reason == "timestamp-chain"
    assert "TSA certificate is not in CertificateValues" in str(refused)


def test_missing_revocation_data_is_refused(sealed: bytes, pki: Pki) -> None:
    root = signature_of(sealed)
    values = root.find(".//xades:RevocationValues", NS)
    assert values is not None
    for child in list(values):
        values.remove(child)
    refused = refusal(with_signature(sealed, root), pki)
    assert refused.reason == "revocation-missing"


def ocsp_answer(pki: Pki, cert: x509.Certificate, at: datetime) -> bytes:
    """The demo responder's answer about ``cert`` as of ``at`` (Certomancer's fake-time
    header, which only a test PKI allows)."""
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, pki.ca, hashes.SHA256()).build()
    answer = requests.post(pki.urls.ocsp, data=request.public_bytes(Encoding.DER), timeout=10,
                           headers={"Content-Type": "application/ocsp-request",
                                    "X-Certomancer-Fake-Time": at.isoformat()})
    answer.raise_for_status()
    return answer.content


def with_eseal_answer(sealed: bytes, pki: Pki, answer: bytes) -> bytes:
    """``sealed`` with the e-seal's OCSP answer replaced by ``answer``."""
    root = signature_of(sealed)
    serial = pki.certificate("eseal-rsa-sha256").serial_number
    for element in root.iterfind(".//xades:EncapsulatedOCSPValue", NS):
        der = base64.b64decode(element.text or "")
        if ocsp.load_der_ocsp_response(der).serial_number == serial:
            element.text = base64.b64encode(answer).decode()
    return with_signature(sealed, root)


def stamp_time(edoc: bytes) -> datetime:
    line = next(c for c in verify_edoc(edoc, ca_certificate=pki_ca(edoc))
                if c.startswith("signature time-stamp"))
    return datetime.strptime(line.split(" at ")[1][:20], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def pki_ca(edoc: bytes) -> x509.Certificate:
    root = signature_of(edoc)
    for element in root.iterfind(".//xades:EncapsulatedX509Certificate", NS):
        cert = x509.load_der_x509_certificate(base64.b64decode(element.text or ""))
        if cert.subject == cert.issuer:
            return cert
    raise AssertionError("no root in CertificateValues")


def test_revoked_before_the_time_stamp_is_refused_after_it_stays_valid(
    sealed: bytes, pki: Pki
) -> None:
    """The same responder, told that the e-seal was revoked, answers about a later instant:
    revoked one minute before the signature time-stamp → refused; one minute after → valid."""
    stamped = stamp_time(sealed)
    eseal = pki.certificate("eseal-rsa-sha256")
    for revoked_at, valid in ((stamped - timedelta(minutes=1), False),
                              (stamped + timedelta(minutes=1), True)):
        with demo_pki(pki.data_dir, revoked={"eseal-rsa-sha256": revoked_at},
                      allow_time_override=True) as revoking:
            answer = ocsp_answer(revoking, eseal, stamped + timedelta(minutes=2))
        assert ocsp.load_der_ocsp_response(answer).certificate_status == \
            ocsp.OCSPCertStatus.REVOKED
        edoc = with_eseal_answer(sealed, pki, answer)
        if valid:
            checks = verify_edoc(edoc, ca_certificate=pki.ca, now=datetime.now(UTC) + TWENTY_YEARS)
            assert any("after the time-stamp: the seal stays valid" in c for c in checks)
        else:
            refused = refusal(edoc, pki)
            assert refused.reason == "revoked"
            assert "before the signature time-stamp" in str(refused)


def test_an_ocsp_answer_from_before_the_time_stamp_proves_nothing(sealed: bytes,
                                                                   pki: Pki) -> None:
    """A "good" answer produced an hour before the time-stamp says nothing about its instant."""
    stamped = stamp_time(sealed)
    with demo_pki(pki.data_dir, allow_time_override=True) as answering:
        answer = ocsp_answer(answering, pki.certificate("eseal-rsa-sha256"),
                             stamped - timedelta(hours=1))
    assert ocsp.load_der_ocsp_response(answer).certificate_status == ocsp.OCSPCertStatus.GOOD
    refused = refusal(with_eseal_answer(sealed, pki, answer), pki)
    assert refused.reason == "revocation-missing"
    assert "from after the time-stamp" in str(refused)


def test_a_revoked_e_seal_seals_nothing(pki: Pki, tmp_path: Path) -> None:
    with demo_pki(pki.data_dir, revoked={"eseal-rsa-sha256": datetime.now(UTC) - timedelta(
            days=1)}) as revoking:
        sealer = load_sealer(revoking.settings, revoking.data_dir)
        with pytest.raises(SignatureInvalid) as refused:
            sealer.seal_pdf(PDF_NAME, PDF, datetime.now(UTC))
    assert refused.value.reason == "revoked"


def test_a_tsa_or_ocsp_responder_that_is_down_means_try_again_later(pki: Pki) -> None:
    key = load_eseal_key(SigningSettings(), pki.data_dir)
    dead = "http://127.0.0.1:9/"  # the discard port: nothing listens
    for settings in (
        SigningSettings(tsa_url=dead, ocsp_url=pki.urls.ocsp, validation_timeout=2),
        SigningSettings(tsa_url=pki.urls.tsa, ocsp_url=dead, validation_timeout=2),
        SigningSettings(tsa_url=pki.urls.tsa, ocsp_url=dead, crl_url=dead, validation_timeout=2),
    ):
        sealer = Sealer(key, ValidationClient(settings), [pki.ca])
        with pytest.raises(SealingUnavailable) as refused:
            sealer.seal_pdf(PDF_NAME, PDF, datetime.now(UTC))
        assert "try again later" in refused.value.message_en.lower()


def test_the_crl_stands_in_when_the_ocsp_responder_is_down(pki: Pki) -> None:
    key = load_eseal_key(SigningSettings(), pki.data_dir)
    settings = SigningSettings(tsa_url=pki.urls.tsa, ocsp_url="http://127.0.0.1:9/",
                               crl_url=pki.urls.crl, validation_timeout=2)
    edoc = Sealer(key, ValidationClient(settings), [pki.ca]).seal_pdf(
        PDF_NAME, PDF, datetime.now(UTC))
    root = signature_of(edoc)
    assert root.find(".//xades:RevocationValues/xades:CRLValues", NS) is not None
    assert root.find(".//xades:RevocationValues/xades:OCSPValues", NS) is None
    checks = verify_edoc(edoc, ca_certificate=pki.ca, now=datetime.now(UTC) + TWENTY_YEARS)
    assert any(c.startswith("revocation: e-seal certificate not revoked (CRL") for c in checks)


def test_archive_time_stamps_make_b_lta_and_cover_what_came_before(
    sealer: Sealer, sealed: bytes, pki: Pki
) -> None:
    once = sealer.archive(sealed)
    twice = sealer.archive(once)
    assert level_of(read_container(twice).signatures[SIGNATURES]) == "B-LTA"
    root = signature_of(twice)
    props = root.find(".//xades:UnsignedSignatureProperties", NS)
    assert props is not None
    assert [etree.QName(p).localname for p in props] == [
        "SignatureTimeStamp", "CertificateValues", "RevocationValues", "ArchiveTimeStamp",
        "TimeStampValidationData", "ArchiveTimeStamp"]
    checks = verify_edoc(twice, ca_certificate=pki.ca, now=datetime.now(UTC) + TWENTY_YEARS)
    assert sum(c.startswith("archive time-stamp:") for c in checks) == 2
    assert any("XAdES-B-LTA" in c for c in checks)
    # the second archive time-stamp covers the validation data added before it
    data = props.find("xadesv141:TimeStampValidationData", NS)
    assert data is not None
    props.remove(data)
    assert refusal(with_signature(twice, root), pki).reason == "timestamp-imprint"


def test_a_b_b_container_is_upgraded_to_b_lta(pki: Pki, sealer: Sealer) -> None:
    plain = Sealer(sealer.key).seal_pdf(PDF_NAME, PDF, datetime(2026, 6, 1, tzinfo=UTC))
    assert level_of(read_container(plain).signatures[SIGNATURES]) == "B-B"
    upgraded = sealer.archive(plain)
    assert level_of(read_container(upgraded).signatures[SIGNATURES]) == "B-LTA"
    assert read_container(upgraded).data_files == read_container(plain).data_files
    verify_edoc(upgraded, ca_certificate=pki.ca, now=datetime.now(UTC) + TWENTY_YEARS)


def test_gateway_pki_sim_serves_the_demo_pki(tmp_path: Path) -> None:
    env = {"GATEWAY_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "pki-sim", "--port", "0"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.startswith("demo PKI on http://127.0.0.1:")
        crl_line = [child.stdout.readline() for _ in range(3)][-1]
        url = crl_line.split("=", 1)[1].strip()
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310
                    crl = x509.load_der_x509_crl(answer.read())
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        ca = x509.load_pem_x509_certificate((tmp_path / "keys" / "ca.pem").read_bytes())
        assert crl.issuer == ca.subject and crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_the_algorithm_of_the_e_seal_does_not_matter(tmp_path: Path) -> None:
    with demo_pki(tmp_path, SignatureAlgorithm.ECDSA_SHA256) as ec_pki:
        sealer = load_sealer(ec_pki.settings, ec_pki.data_dir)
        edoc = sealer.seal_pdf(PDF_NAME, PDF, datetime.now(UTC))
        checks = verify_edoc(edoc, ca_certificate=ec_pki.ca,
                             now=datetime.now(UTC) + TWENTY_YEARS)
    assert "signature value: valid (ECDSA-SHA256)" in checks


def test_a_tsa_needs_revocation_data_and_urls_must_be_http() -> None:
    with pytest.raises(ValueError, match="tsa_url needs ocsp_url or crl_url"):
        SigningSettings(tsa_url="https://tsa.example.lv/")
    with pytest.raises(ValueError, match="must be an http"):
        SigningSettings(tsa_url="file:///etc/passwd", ocsp_url="https://ocsp.example.lv/")


def test_gateway_pki_sim_is_refused_in_production(tmp_path: Path) -> None:
    env = {"GATEWAY_DATA_DIR": str(tmp_path), "GATEWAY_ENVIRONMENT": "production",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "pki-sim", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "the demo PKI is never run in production" in done.stderr
    assert not (tmp_path / "keys").exists()
