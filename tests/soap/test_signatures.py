"""Every answer's payload is signed (RULES §6) and verifies independently: xmlsec1 against the
demo CA, signxml pinned to the gateway's certificate; one changed byte fails both."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidSignature

from gateway.ns import DS
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.demo_keys import demo_key_paths
from gateway.signing.xmldsig import verify_enveloped
from tests.signing.conftest import XMLSEC1_VERIFY
from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import payload
from tests.stand import Stand


def xmlsec1_ok(document: bytes, ca: Path, tmp_path: Path) -> bool:
    target = tmp_path / "answer.xml"
    target.write_bytes(document)
    done = subprocess.run([*XMLSEC1_VERIFY, str(ca), str(target)], capture_output=True,
                          text=True, check=False, timeout=30)
    return done.returncode == 0


def signxml_ok(document: bytes, certificate: str) -> bool:
    try:
        XMLVerifier().verify(document, x509_cert=certificate, expect_references=1)
    except InvalidSignature:
        return False
    return True


@pytest.fixture(scope="module")
def certificate(stand: Stand) -> str:
    paths = demo_key_paths(stand.data_dir, SignatureAlgorithm.RSA_SHA256)
    return paths.certificate.read_text()


@pytest.mark.parametrize(("requester", "subject"),
                         [(P.JANIS, P.JANIS), (P.PETERIS, P.ANNA), (P.JELENA, P.NIKITA)])
def test_answers_verify_in_xmlsec1_and_signxml(
    caller: Caller, stand: Stand, certificate: str, tmp_path: Path, requester: str,
    subject: str,
) -> None:
    caller.call("getExamResults", requester, personalCode=subject)
    document = etree.tostring(caller.last_response)
    signed = payload(caller.last_response)
    signature = signed[-1]
    assert signature.tag == f"{{{DS}}}Signature"
    reference = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    assert reference is not None and reference.get("URI") == "#" + signed.get("Id", "")
    assert xmlsec1_ok(document, stand.ca_pem, tmp_path)
    assert signxml_ok(document, certificate)
    verify_enveloped(signed, expected_certificate=x509.load_pem_x509_certificate(
        certificate.encode()))


def test_a_changed_byte_fails_both_verifiers(
    caller: Caller, stand: Stand, certificate: str, tmp_path: Path
) -> None:
    caller.call("getExamResults", P.JANIS, personalCode=P.JANIS)
    document = etree.tostring(caller.last_response)
    assert b">Centraliz" in document
    tampered = re.sub(rb"(:totalPercent>)", rb"\g<1>1", document, count=1)
    assert tampered != document
    assert not xmlsec1_ok(tampered, stand.ca_pem, tmp_path)
    assert not signxml_ok(tampered, certificate)


def test_the_readme_sample_request_gets_a_signed_answer(
    stand: Stand, certificate: str, tmp_path: Path
) -> None:
    from tests.soap.conftest import post
    from tests.stand import REPO

    sample = (REPO / "docs" / "samples" / "getExamResults.xml").read_bytes()
    answer = post(stand, sample)
    assert answer.status_code == 200, answer.text
    assert xmlsec1_ok(answer.content, stand.ca_pem, tmp_path)
    assert signxml_ok(answer.content, certificate)
    assert b"140310-24716" in answer.content


def test_ecdsa_can_be_selected(stand: Stand, tmp_path: Path) -> None:
    from tests.soap.conftest import Caller
    from tests.stand import free_port, gateway_process

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(stand.env, GATEWAY_PUBLIC_URL=url, GATEWAY_SIGNING__ALGORITHM="ecdsa-sha256")
    with gateway_process(env, port, stand.data_dir):
        caller = Caller(Stand(url=url, registry_url=stand.registry_url, data_dir=stand.data_dir,
                              database_url=stand.database_url, env=env))
        caller.call("getExamResults", P.JANIS, personalCode=P.JANIS)
    signed = payload(caller.last_response)
    method = signed.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    document = etree.tostring(caller.last_response)
    assert xmlsec1_ok(document, stand.ca_pem, tmp_path)
    ec_cert = demo_key_paths(stand.data_dir, SignatureAlgorithm.ECDSA_SHA256).certificate
    assert signxml_ok(document, ec_cert.read_text())


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithm), ids=lambda a: a.value)
def test_signxml_can_sign_the_answers_instead(
    stand: Stand, tmp_path: Path, algorithm: SignatureAlgorithm
) -> None:
    """``signing.implementation = signxml``: the same profile, valid to the schema, verified
    by xmlsec1, signxml and our verifier, for every operation's kind of answer."""
    from gateway.soap import contract
    from tests.soap.conftest import Caller
    from tests.stand import free_port, gateway_process

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(stand.env, GATEWAY_PUBLIC_URL=url, GATEWAY_SIGNING__ALGORITHM=algorithm.value,
               GATEWAY_SIGNING__IMPLEMENTATION="signxml")
    cert_pem = demo_key_paths(stand.data_dir, algorithm).certificate
    with gateway_process(env, port, stand.data_dir):
        caller = Caller(Stand(url=url, registry_url=stand.registry_url, data_dir=stand.data_dir,
                              database_url=stand.database_url, env=env))
        caller.call("getExamResults", P.PETERIS, personalCode=P.ANNA)
    signed = payload(caller.last_response)
    assert signed.get("Id", "").startswith("vpis-")
    contract.body_schema().assertValid(signed)
    document = etree.tostring(caller.last_response)
    assert xmlsec1_ok(document, stand.ca_pem, tmp_path)
    assert signxml_ok(document, cert_pem.read_text())
    verify_enveloped(signed, expected_certificate=x509.load_pem_x509_certificate(
        cert_pem.read_bytes()))
