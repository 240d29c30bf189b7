"""The enveloped signature on an answer's payload (RULES §6), by the configured implementation.

Both make the same profile (exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256, the reference
to the payload's ``Id``, the certificate and its chain in ``ds:KeyInfo``); the tests verify each
with signxml and xmlsec1, and the results-day benchmark measures both side by side.
"""

from __future__ import annotations

from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
)
from signxml.signer import XMLSigner

from gateway.signing.config import SignerImplementation
from gateway.signing.keys import SigningKey
from gateway.signing.pinned import METHODS
from gateway.signing.xmldsig import ID_ATTRIBUTE, sign_enveloped

__all__ = ["sign_payload"]


def _signxml(payload: etree._Element, key: SigningKey, id_value: str) -> etree._Element:
    payload.set(ID_ATTRIBUTE, id_value)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=METHODS[key.algorithm],
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(
        payload, key=key.private_key, cert=[key.certificate, *key.chain],
        reference_uri=f"#{id_value}",
    )
    parent = payload.getparent()
    if parent is not None:
        parent.replace(payload, signed)
    return signed


def sign_payload(payload: etree._Element, key: SigningKey, id_value: str,
                 implementation: SignerImplementation) -> etree._Element:
    """Sign ``payload`` in its document; the signed payload (the same element for ours, its
    signed replacement for signxml's, which signs a copy)."""
    if implementation is SignerImplementation.SIGNXML:
        return _signxml(payload, key, id_value)
    sign_enveloped(payload, key, id_value=id_value)
    return payload
