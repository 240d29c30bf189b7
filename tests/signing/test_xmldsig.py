"""Our enveloped signer, verified by our verifier, by signxml and by xmlsec1 (RULES §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.verifier import SignatureConfiguration, XMLVerifier

from gateway.errors import InternalError
from gateway.ns import DS, SOAP11_ENV, VPIS
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.xmldsig import (
    ENVELOPED_SIGNATURE,
    EXC_C14N,
    SHA256,
    SIGNATURE_METHODS,
    sign_enveloped,
    verify_enveloped,
)

from .conftest import (
    ENVELOPE,
    PAYLOAD_ID,
    Signer,
    parse,
    payload_of,
    self_signed,
    xmlsec1_verifies,
)

NS = {"ds": DS, "vpis": VPIS, "soapenv": SOAP11_ENV}


def signxml_config(algorithm: SignatureAlgorithm) -> SignatureConfiguration:
    """signxml pinned to our profile: one reference, our signature method, SHA-256 only."""
    method = {
        SignatureAlgorithm.RSA_SHA256: SignatureMethod.RSA_SHA256,
        SignatureAlgorithm.ECDSA_SHA256: SignatureMethod.ECDSA_SHA256,
    }[algorithm]
    return SignatureConfiguration(
        expect_references=1,
        signature_methods=frozenset({method}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )


def test_signature_shape(signer: Signer) -> None:
    tree = parse(signer.sign_sample())
    payload = payload_of(tree)
    assert payload.get("Id") == PAYLOAD_ID
    assert payload[-1].tag == f"{{{DS}}}Signature"
    assert len(tree.findall(f".//{{{DS}}}Signature")) == 1

    def algorithms(path: str) -> list[str | None]:
        return [e.get("Algorithm") for e in payload.xpath(path, namespaces=NS)]  # type: ignore[union-attr]

    assert algorithms("ds:Signature/ds:SignedInfo/ds:CanonicalizationMethod") == [EXC_C14N]
    assert algorithms("ds:Signature/ds:SignedInfo/ds:SignatureMethod") == [
        SIGNATURE_METHODS[signer.key.algorithm]
    ]
    references = payload.xpath("ds:Signature/ds:SignedInfo/ds:Reference", namespaces=NS)
    assert [r.get("URI") for r in references] == [f"#{PAYLOAD_ID}"]  # type: ignore[union-attr]
    assert algorithms(".//ds:Transform") == [ENVELOPED_SIGNATURE, EXC_C14N]
    assert algorithms(".//ds:DigestMethod") == [SHA256]
    certificates = payload.xpath(".//ds:X509Certificate/text()", namespaces=NS)
    assert certificates == [signer.key.certificate_b64]


def test_our_verifier_accepts(signer: Signer) -> None:
    payload = payload_of(parse(signer.sign_sample()))
    assert verify_enveloped(payload, expected_certificate=signer.key.certificate) is payload


def test_signxml_accepts_with_the_certificate_pinned(signer: Signer) -> None:
    result = XMLVerifier().verify(
        signer.sign_sample(),
        x509_cert=signer.key.certificate,
        expect_config=signxml_config(signer.key.algorithm),
    )
    signed = result.signed_xml  # type: ignore[union-attr]
    assert signed is not None and signed.get("Id") == PAYLOAD_ID


def test_signxml_accepts_with_the_ca_pinned(signer: Signer) -> None:
    XMLVerifier().verify(
        signer.sign_sample(),
        ca_pem_file=str(signer.paths.ca_certificate),
        expect_config=signxml_config(signer.key.algorithm),
    )


def test_xmlsec1_accepts(signer: Signer, xmlsec1: str, tmp_path: Path) -> None:
    assert xmlsec1_verifies(signer.sign_sample(), signer.paths.ca_certificate, tmp_path)


def test_xmlsec1_does_not_trust_another_ca(signer: Signer, xmlsec1: str, tmp_path: Path) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_ca = tmp_path / "other-ca.pem"  # a CA that issued nothing here
    other_ca.write_bytes(self_signed(other, days=1).public_bytes(serialization.Encoding.PEM))
    assert not xmlsec1_verifies(signer.sign_sample(), other_ca, tmp_path)


def test_signature_survives_reparsing_and_a_soap_12_context(signer: Signer) -> None:
    """A payload signed under one envelope verifies after moving under another (exc-C14N)."""
    signed = payload_of(parse(signer.sign_sample()))
    other = etree.fromstring(
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:x="urn:x">'
        b"<e:Header><x:h>1</x:h></e:Header><e:Body/></e:Envelope>"
    )
    other[1].append(signed)
    reparsed = parse(etree.tostring(other))
    verify_enveloped(payload_of(reparsed), expected_certificate=signer.key.certificate)


def test_ids_generated_kept_or_refused(rsa_signer: Signer) -> None:
    tree = parse(ENVELOPE.read_bytes())
    payload = payload_of(tree)
    sign_enveloped(payload, rsa_signer.key)
    generated = payload.get("Id")
    assert generated and generated.startswith("id-")
    verify_enveloped(payload, expected_certificate=rsa_signer.key.certificate)
    with pytest.raises(InternalError, match="already"):
        sign_enveloped(payload, rsa_signer.key)

    tree = parse(ENVELOPE.read_bytes())
    payload_of(tree).set("Id", "kept")
    sign_enveloped(payload_of(tree), rsa_signer.key)
    assert payload_of(tree).get("Id") == "kept"

    for bad in ("1starts-with-digit", "has space", "a:b", ""):
        with pytest.raises(InternalError, match="NCName"):
            sign_enveloped(payload_of(parse(ENVELOPE.read_bytes())), rsa_signer.key, id_value=bad)

    tree = parse(ENVELOPE.read_bytes())
    header = tree.getroot()[0]
    header.set("Id", "taken")
    with pytest.raises(InternalError, match="unique"):
        sign_enveloped(payload_of(tree), rsa_signer.key, id_value="taken")


def test_signing_the_document_element(signer: Signer) -> None:
    root = etree.fromstring(b'<r xmlns="urn:default"><a b="1">x</a>\n</r>')
    sign_enveloped(root, signer.key, id_value="root")
    reparsed = parse(etree.tostring(root))
    verify_enveloped(reparsed.getroot(), expected_certificate=signer.key.certificate)
    XMLVerifier().verify(
        etree.tostring(root),
        x509_cert=signer.key.certificate,
        expect_config=signxml_config(signer.key.algorithm),
    )
