"""Whether a signing certificate leads to a trusted root (RFC 5280 §6), through intermediates.

VISC's e-seal is issued by a qualified CA under a root, not by the root itself, so a verifier
pins the root (one or several: during a CA change, the old and the new) and builds the path
from the signing certificate through the intermediates that travel with the signature
(``ds:X509Data`` holds the leaf first, then its issuers; XMLDSig 1.1 §4.5.4). The path is built
and checked by ``cryptography``'s verifier (the same as signxml's): CA certificates by the
Web PKI profile (basicConstraints, keyCertSign, key identifiers), the signing certificate must
allow digitalSignature or nonRepudiation (an e-seal's key usage, ETSI EN 319 412-3 §4.2.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from gateway.errors import ConfigurationError, SignatureInvalid

__all__ = ["check_path", "common_name", "load_anchors"]

_MAX_DEPTH = 4


def load_anchors(path: Path) -> tuple[x509.Certificate, ...]:
    """The root certificates in the PEM file ``path`` (one or more)."""
    try:
        anchors = tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError):
        raise ConfigurationError(f"cannot read a PEM CA certificate from {path}") from None
    return anchors


def _may_sign(_policy: Policy, _cert: x509.Certificate, usage: x509.KeyUsage | None) -> None:
    if usage is None or not (usage.digital_signature or usage.content_commitment):
        raise ValueError("the key usage allows neither digitalSignature nor nonRepudiation")


_SIGNER_POLICY = ExtensionPolicy.permit_all().require_present(
    x509.KeyUsage, Criticality.AGNOSTIC, _may_sign
)


def check_path(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: datetime,
) -> list[x509.Certificate]:
    """The path leaf → … → root, valid ``at``; raise :class:`SignatureInvalid` otherwise.

    ``reason`` is ``certificate-validity`` when the signing certificate or every root is
    outside its validity ``at``, ``certificate-usage`` when the signing certificate may not
    sign, and ``certificate-chain`` when no path to a pinned root exists.
    """
    if not leaf.not_valid_before_utc <= at <= leaf.not_valid_after_utc or not any(
        a.not_valid_before_utc <= at <= a.not_valid_after_utc for a in anchors
    ):
        raise SignatureInvalid(
            "a certificate was not valid at the signing time", reason="certificate-validity"
        )
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise SignatureInvalid("the certificate may not sign", reason="certificate-usage")
    verifier = (
        PolicyBuilder()
        .store(Store(list(anchors)))
        .time(at)
        .max_chain_depth(_MAX_DEPTH)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(),
                            ee_policy=_SIGNER_POLICY)
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(leaf, list(intermediates)).chain)
    except VerificationError:
        raise SignatureInvalid(
            "the certificate does not lead to the given CA", reason="certificate-chain"
        ) from None


def common_name(cert: x509.Certificate) -> str:
    """The CN of ``cert``'s subject, else the whole subject (RFC 4514)."""
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()
