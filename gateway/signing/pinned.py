"""signxml's verifiers, pinned to the gateway's profile (RULES §6).

The cryptographic checks of every signature we verify — the reference digests (XMLDSig 1.1
§3.2.1), the signature value over the canonical ``ds:SignedInfo`` (§3.2.2) and, for XAdES,
the signing certificate's digest in ``SigningCertificateV2`` (ETSI EN 319 132-1 §5.2.2) — are
signxml's, run with a :class:`~signxml.SignatureConfiguration` that allows only our signature
methods, SHA-256 digests and the exact number of references, against a certificate pinned by
the caller (which has already checked its path to a trusted root, :mod:`gateway.signing.trust`).
signxml's exceptions become :class:`~gateway.errors.SignatureInvalid` with a stable reason.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidInput, SignXMLException
from signxml.exceptions import InvalidSignature as SignxmlInvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier
from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

from gateway.errors import SignatureInvalid
from gateway.signing.config import SignatureAlgorithm

__all__ = ["verify_detached", "verify_enveloped_value"]

METHODS: dict[SignatureAlgorithm, SignatureMethod] = {
    SignatureAlgorithm.RSA_SHA256: SignatureMethod.RSA_SHA256,
    SignatureAlgorithm.ECDSA_SHA256: SignatureMethod.ECDSA_SHA256,
}


def _methods(algorithms: Collection[SignatureAlgorithm]) -> frozenset[SignatureMethod]:
    return frozenset(METHODS[a] for a in algorithms)


def _key_fits(certificate: x509.Certificate, algorithms: Collection[SignatureAlgorithm]) -> None:
    """A signature method for another key type cannot verify (RFC 6931 §2.3)."""
    key = certificate.public_key()
    fits = {SignatureAlgorithm.RSA_SHA256: isinstance(key, rsa.RSAPublicKey),
            SignatureAlgorithm.ECDSA_SHA256: isinstance(key, ec.EllipticCurvePublicKey)}
    if not any(fits[a] for a in algorithms):
        raise SignatureInvalid("the signature value does not verify", reason="signature-value")


def _run(verify: Callable[[], Any], digest_reason: Callable[[str], str]) -> Any:
    try:
        return verify()
    except InvalidDigest as exc:
        raise SignatureInvalid(str(exc), reason=digest_reason(str(exc))) from None
    except SignxmlInvalidSignature:
        raise SignatureInvalid(
            "the signature value does not verify", reason="signature-value"
        ) from None
    except (InvalidInput, SignXMLException, ValueError) as exc:
        raise SignatureInvalid(
            f"signxml refused the signature: {exc}", reason="structure"
        ) from None


def verify_enveloped_value(
    element: etree._Element,
    certificate: x509.Certificate,
    algorithms: Collection[SignatureAlgorithm],
) -> None:
    """Check the digest and the value of the enveloped signature, the last child of
    ``element``, with signxml against ``certificate``."""
    _key_fits(certificate, algorithms)
    config = SignatureConfiguration(
        location="./",
        expect_references=1,
        signature_methods=_methods(algorithms),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    _run(
        lambda: XMLVerifier().verify(element, x509_cert=certificate, expect_config=config),
        lambda _message: "digest",
    )


def verify_detached(
    signature_root: etree._Element,
    data_files: Mapping[str, bytes],
    certificate: x509.Certificate,
    algorithms: Collection[SignatureAlgorithm],
    *,
    signed_properties_uri: str,
    verification_time: datetime | None = None,
) -> None:
    """Check a XAdES signature over the files of a container with signxml's XAdES verifier:
    each data file's digest (resolved by its percent-encoded name), the signed properties'
    digest, the signature value and ``SigningCertificateV2``, against ``certificate``.

    signxml also checks ``certificate``'s validity period, at ``verification_time`` (default:
    now). The caller judges the validity itself (at the signing time, or a long-term seal's
    time-stamp; RULES §6) and passes a time within it, so a seal verifies after it expired.
    """
    _key_fits(certificate, algorithms)
    references = len(data_files) + 1
    config = XAdESSignatureConfiguration(
        location="./",
        expect_references=references,
        signature_methods=_methods(algorithms),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        verification_time=verification_time,
    )

    def resolve(uri: str) -> bytes:
        return data_files[unquote(uri, errors="strict")]

    def reason(message: str) -> str:
        return "signed-properties-digest" if signed_properties_uri in message else "digest"

    _run(
        lambda: XAdESVerifier().verify(
            signature_root, x509_cert=certificate, uri_resolver=resolve, expect_config=config
        ),
        reason,
    )
