"""One changed byte breaks the signature for every verifier (RULES §6).

Each case names the expected outcome per verifier. ``signxml`` with ``x509_cert`` verifies with
the pinned certificate and does not read the embedded one, so a changed embedded certificate
still passes there; every other verifier reads and checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from signxml.exceptions import SignXMLException
from signxml.verifier import XMLVerifier

from gateway.ns import DS, VPIS
from gateway.signing.xmldsig import SignatureInvalid, verify_enveloped

from .conftest import Signer, parse, payload_of, xmlsec1_verifies
from .test_xmldsig import signxml_config

Mutation = Callable[[etree._ElementTree], None]


def flip_base64(text: str) -> str:
    """Change one character in the middle of a base64 text (and so one decoded byte)."""
    text = "".join(text.split())
    middle = len(text) // 2
    return text[:middle] + ("B" if text[middle] == "A" else "A") + text[middle + 1 :]


def _flip_in(tag: str) -> Mutation:
    def mutate(tree: etree._ElementTree) -> None:
        node = tree.find(f".//{{{DS}}}{tag}")
        assert node is not None and node.text
        node.text = flip_base64(node.text)

    return mutate


def _payload_text(tree: etree._ElementTree) -> None:
    node = tree.find(f".//{{{VPIS}}}percent")
    assert node is not None and node.text == "72.5"
    node.text = "92.5"


def _payload_attribute(tree: etree._ElementTree) -> None:
    node = tree.find(f".//{{{VPIS}}}result")
    assert node is not None
    node.set("session", "2024-secondarz")


def _untouched(tree: etree._ElementTree) -> None:
    pass


# (mutation, our refusal reason or None, signxml with the certificate pinned,
#  signxml with the CA pinned, xmlsec1)
CASES: dict[str, tuple[Mutation, str | None, bool, bool, bool]] = {
    "untouched": (_untouched, None, True, True, True),
    "payload-text": (_payload_text, "digest", False, False, False),
    "payload-attribute": (_payload_attribute, "digest", False, False, False),
    # signxml checks the signature over SignedInfo (which holds the DigestValue) before the
    # references, so a changed DigestValue fails as the signature value.
    "digest-value": (_flip_in("DigestValue"), "signature-value", False, False, False),
    "signature-value": (_flip_in("SignatureValue"), "signature-value", False, False, False),
    "certificate": (_flip_in("X509Certificate"), "certificate", True, False, False),
}


def _ours(document: bytes, signer: Signer) -> str | None:
    """None if our verifier accepts, else the reason it gives."""
    try:
        verify_enveloped(payload_of(parse(document)), expected_certificate=signer.key.certificate)
    except SignatureInvalid as refused:
        return refused.reason
    return None


def _signxml(document: bytes, signer: Signer, *, pin_ca: bool) -> bool:
    config = signxml_config(signer.key.algorithm)
    try:
        if pin_ca:
            XMLVerifier().verify(
                document, ca_pem_file=str(signer.paths.ca_certificate), expect_config=config
            )
        else:
            XMLVerifier().verify(document, x509_cert=signer.key.certificate, expect_config=config)
    except (SignXMLException, ValueError):
        return False
    return True


@pytest.mark.parametrize("case", list(CASES))
def test_every_verifier_notices(case: str, signer: Signer, xmlsec1: str, tmp_path: Path) -> None:
    mutate, ours, pinned_cert, pinned_ca, by_xmlsec1 = CASES[case]
    tree = parse(signer.sign_sample())
    mutate(tree)
    document = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")

    assert _ours(document, signer) == ours
    assert _signxml(document, signer, pin_ca=False) is pinned_cert
    assert _signxml(document, signer, pin_ca=True) is pinned_ca
    assert xmlsec1_verifies(document, signer.paths.ca_certificate, tmp_path) is by_xmlsec1
