"""Our verifier refuses signature wrapping and signatures outside the profile.

The consumer verifies the payload it is going to read (the one in the SOAP body). Wrapping
cases keep a genuinely signed copy somewhere in the document; policy cases are re-signed with
the real key, so their cryptography is sound and only the profile refuses them.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree
from signxml.verifier import XMLVerifier

from gateway.ns import DS, SOAP11_ENV, VPIS
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.xmldsig import SIGNATURE_METHODS, SignatureInvalid, verify_enveloped

from .conftest import PAYLOAD_ID, Signer, parse, xmlsec1_verifies

XML_NS = "http://www.w3.org/XML/1998/namespace"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
INCLUSIVE_C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"


def ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def body_payload(tree: etree._ElementTree) -> etree._Element:
    found = tree.find(f"{{{SOAP11_ENV}}}Body/{{{VPIS}}}getExamResultsResponse")
    assert found is not None
    return found


def _header(tree: etree._ElementTree) -> etree._Element:
    header = tree.getroot()[0]
    assert header.tag == f"{{{SOAP11_ENV}}}Header"
    return header


def _forge(payload: etree._Element) -> None:
    node = payload.find(f".//{{{VPIS}}}percent")
    assert node is not None
    node.text = "100"


def _wrap_original(tree: etree._ElementTree) -> etree._Element:
    """Move the signed payload into a header wrapper; put a forged copy in the body."""
    original = body_payload(tree)
    forged = deepcopy(original)
    _forge(forged)
    original.addnext(forged)
    wrapper = etree.SubElement(_header(tree), "{urn:attacker}Wrapper")
    wrapper.append(original)
    return forged


def _duplicate_id(tree: etree._ElementTree) -> None:
    _wrap_original(tree)  # both keep Id="resp-…"


def _namespaced_id(tree: etree._ElementTree) -> None:
    forged = _wrap_original(tree)
    del forged.attrib["Id"]
    forged.set(f"{{{WSU}}}Id", PAYLOAD_ID)


def _other_id(tree: etree._ElementTree) -> None:
    _wrap_original(tree).set("Id", "forged")


def _xml_id_twin(tree: etree._ElementTree) -> None:
    etree.SubElement(_header(tree), "{urn:attacker}Decoy").set(f"{{{XML_NS}}}id", PAYLOAD_ID)


def _element_after_signature(tree: etree._ElementTree) -> None:
    etree.SubElement(body_payload(tree), f"{{{VPIS}}}extra").text = "x"


def _two_signatures(tree: etree._ElementTree) -> None:
    payload = body_payload(tree)
    payload.append(deepcopy(payload[-1]))


def _signature_in_header(tree: etree._ElementTree) -> None:
    _header(tree).append(body_payload(tree)[-1])


WRAPPING: dict[str, tuple[Callable[[etree._ElementTree], None], str]] = {
    "duplicate-id": (_duplicate_id, "duplicate-id"),
    "namespaced-id": (_namespaced_id, "no-id"),
    "other-id": (_other_id, "uri"),
    "xml-id-twin": (_xml_id_twin, "duplicate-id"),
    "element-after-signature": (_element_after_signature, "signature-placement"),
    "two-signatures": (_two_signatures, "signature-placement"),
    "signature-in-header": (_signature_in_header, "signature-placement"),
}


@pytest.mark.parametrize("case", list(WRAPPING))
def test_wrapping_is_refused(case: str, signer: Signer) -> None:
    mutate, reason = WRAPPING[case]
    tree = parse(signer.sign_sample())
    mutate(tree)
    reparsed = parse(etree.tostring(tree))
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(body_payload(reparsed), expected_certificate=signer.key.certificate)
    assert caught.value.reason == reason


def test_a_dtd_is_refused(signer: Signer) -> None:
    document = signer.sign_sample().split(b"\n", 1)[1]  # without the XML declaration
    dtd = b"<!DOCTYPE soapenv:Envelope [<!ATTLIST vpis:getExamResultsResponse Id ID #IMPLIED>]>\n"
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(
            body_payload(parse(dtd + document)), expected_certificate=signer.key.certificate
        )
    assert caught.value.reason == "dtd"


def without_signature(canonical: bytes) -> bytes:
    """Cut the ds:Signature out of canonical bytes: the enveloped transform done by hand."""
    start = canonical.index(b"<ds:Signature")
    end = canonical.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    return canonical[:start] + canonical[end:]


def resign(
    tree: etree._ElementTree,
    signer: Signer,
    *,
    digest: Callable[[bytes], bytes] = lambda data: hashlib.sha256(data).digest(),
    hash_algorithm: hashes.HashAlgorithm | None = None,
    whole_document: bool = False,
) -> None:
    """Recompute DigestValue and SignatureValue (RSA) after SignedInfo was edited."""
    payload = body_payload(tree)
    signature = payload.find(ds("Signature"))
    assert signature is not None
    signed_info = signature[0]
    scope = tree.getroot() if whole_document else payload
    canonical = without_signature(
        etree.tostring(scope, method="c14n", exclusive=True, with_comments=False)
    )
    digest_value = signed_info.find(f".//{ds('DigestValue')}")
    assert digest_value is not None
    digest_value.text = base64.b64encode(digest(canonical)).decode()
    key = signer.key.private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    value = key.sign(
        etree.tostring(signed_info, method="c14n", exclusive=True, with_comments=False),
        padding.PKCS1v15(),
        hash_algorithm or hashes.SHA256(),
    )
    signature[1].text = base64.b64encode(value).decode()


def _set(tree: etree._ElementTree, path: str, attribute: str, value: str) -> None:
    node = body_payload(tree).find(path)
    assert node is not None
    node.set(attribute, value)


SI = f"{ds('Signature')}/{ds('SignedInfo')}"
REF = f"{SI}/{ds('Reference')}"


def _sha1_digest(tree: etree._ElementTree, signer: Signer) -> None:
    _set(tree, f"{REF}/{ds('DigestMethod')}", "Algorithm", SHA1)
    resign(tree, signer, digest=lambda data: hashlib.sha1(data).digest())  # noqa: S324


def _rsa_sha1(tree: etree._ElementTree, signer: Signer) -> None:
    _set(tree, f"{SI}/{ds('SignatureMethod')}", "Algorithm", RSA_SHA1)
    resign(tree, signer, hash_algorithm=hashes.SHA1())  # noqa: S303


def _empty_uri(tree: etree._ElementTree, signer: Signer) -> None:
    _set(tree, REF, "URI", "")
    resign(tree, signer, whole_document=True)


def _inclusive_c14n(tree: etree._ElementTree, signer: Signer) -> None:
    _set(tree, f"{SI}/{ds('CanonicalizationMethod')}", "Algorithm", INCLUSIVE_C14N)
    resign(tree, signer)


def _inclusive_prefixes(tree: etree._ElementTree, signer: Signer) -> None:
    transform = body_payload(tree).find(f"{REF}/{ds('Transforms')}/{ds('Transform')}[2]")
    assert transform is not None
    etree.SubElement(transform, "{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces")
    resign(tree, signer)


def _key_value(tree: etree._ElementTree, signer: Signer) -> None:
    key_info = body_payload(tree).find(f"{ds('Signature')}/{ds('KeyInfo')}")
    assert key_info is not None
    etree.SubElement(key_info, ds("KeyValue"))


def _resigned_unchanged(tree: etree._ElementTree, signer: Signer) -> None:
    resign(tree, signer)


POLICY: dict[str, tuple[Callable[[etree._ElementTree, Signer], None], str | None]] = {
    "resigned-unchanged": (_resigned_unchanged, None),  # control: resign() itself is sound
    "sha1-digest": (_sha1_digest, "algorithm"),
    "rsa-sha1": (_rsa_sha1, "algorithm"),
    "empty-uri": (_empty_uri, "uri"),
    "inclusive-c14n": (_inclusive_c14n, "algorithm"),
    "inclusive-prefixes": (_inclusive_prefixes, "structure"),
    "key-value": (_key_value, "structure"),
}


@pytest.mark.parametrize("case", list(POLICY))
def test_outside_the_profile_is_refused(case: str, rsa_signer: Signer) -> None:
    mutate, reason = POLICY[case]
    tree = parse(rsa_signer.sign_sample())
    mutate(tree, rsa_signer)
    payload = body_payload(parse(etree.tostring(tree)))
    if reason is None:
        verify_enveloped(payload, expected_certificate=rsa_signer.key.certificate)
        return
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(payload, expected_certificate=rsa_signer.key.certificate)
    assert caught.value.reason == reason


def test_xmlsec1_command_refuses_an_empty_uri(
    rsa_signer: Signer, xmlsec1: str, tmp_path: Path
) -> None:
    tree = parse(rsa_signer.sign_sample())
    _empty_uri(tree, rsa_signer)
    document = etree.tostring(tree)
    assert not xmlsec1_verifies(document, rsa_signer.paths.ca_certificate, tmp_path)
    # Control: without --enabled-reference-uris the same document passes.
    target = tmp_path / "empty-uri.xml"
    target.write_bytes(document)
    ca = str(rsa_signer.paths.ca_certificate)
    loose = subprocess.run(
        [xmlsec1, "--verify", "--trusted-pem", ca, str(target)], capture_output=True, check=False
    )
    assert loose.returncode == 0


def test_another_certificate_or_algorithm_is_refused(signer: Signer) -> None:
    payload = body_payload(parse(signer.sign_sample()))
    other = x509.load_pem_x509_certificate(signer.paths.eseal_certificate.read_bytes())
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(payload, expected_certificate=other)
    assert caught.value.reason == "certificate"

    others = set(SignatureAlgorithm) - {signer.key.algorithm}
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(payload, expected_certificate=signer.key.certificate, algorithms=others)
    assert caught.value.reason == "algorithm"


def _no_id(tree: etree._ElementTree) -> None:
    del body_payload(tree).attrib["Id"]


def _bad_base64(tree: etree._ElementTree) -> None:
    value = body_payload(tree).find(f"{ds('Signature')}/{ds('SignatureValue')}")
    assert value is not None
    value.text = "not*base64"


def _truncated_value(tree: etree._ElementTree) -> None:
    value = body_payload(tree).find(f"{ds('Signature')}/{ds('SignatureValue')}")
    assert value is not None and value.text
    value.text = base64.b64encode(base64.b64decode(value.text)[:-1]).decode()


def _other_method(tree: etree._ElementTree) -> None:
    method = body_payload(tree).find(f"{SI}/{ds('SignatureMethod')}")
    assert method is not None
    other = [uri for uri in SIGNATURE_METHODS.values() if uri != method.get("Algorithm")]
    method.set("Algorithm", other[0])


MALFORMED: dict[str, tuple[Callable[[etree._ElementTree], None], str]] = {
    "no-id": (_no_id, "no-id"),
    "bad-base64": (_bad_base64, "base64"),
    "truncated-signature-value": (_truncated_value, "signature-value"),
    "method-of-the-other-key-type": (_other_method, "signature-value"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_is_refused(case: str, signer: Signer) -> None:
    mutate, reason = MALFORMED[case]
    tree = parse(signer.sign_sample())
    mutate(tree)
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(body_payload(tree), expected_certificate=signer.key.certificate)
    assert caught.value.reason == reason


def test_text_after_the_signature_is_signed(
    rsa_signer: Signer, xmlsec1: str, tmp_path: Path
) -> None:
    """The enveloped transform removes the ds:Signature element only, not the text after it."""
    tree = parse(rsa_signer.sign_sample())
    signature = body_payload(tree)[-1]
    signature.tail = "\n    "
    cert = rsa_signer.key.certificate
    with pytest.raises(SignatureInvalid) as caught:
        verify_enveloped(body_payload(tree), expected_certificate=cert)
    assert caught.value.reason == "digest"

    resign(tree, rsa_signer)  # now the whitespace is part of what is signed
    document = etree.tostring(tree)
    verify_enveloped(body_payload(parse(document)), expected_certificate=cert)
    XMLVerifier().verify(document, x509_cert=cert)
    assert xmlsec1_verifies(document, rsa_signer.paths.ca_certificate, tmp_path)
