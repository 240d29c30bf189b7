"""Fetching what a long-term seal carries (RULES §6): time-stamps, OCSP responses, CRLs.

A :class:`ValidationClient` asks the configured time-stamping authority for an RFC 3161
time-stamp token (``rfc3161-client`` builds the request and parses the answer), the OCSP
responder (RFC 6960; ``cryptography``'s request builder and response loader) for the status of
a certificate, and, when the responder fails, the CA's CRL (RFC 5280 §5). Each answer is
checked before it is kept: the time-stamp's nonce and message imprint, the OCSP response's
certificate ID and signature, the CRL's issuer and signature. A service that does not answer,
or answers with an error, raises :class:`~gateway.errors.SealingUnavailable` ("try again
later"): nothing half-made is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    decode_timestamp_response,
)

from gateway.errors import SealingUnavailable, SignatureInvalid
from gateway.signing.config import SigningSettings

__all__ = [
    "Revocation",
    "TimeStamp",
    "ValidationClient",
    "check_ocsp_signature",
    "issuer_of",
    "token_signer",
]

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 1024 * 1024
"""Most bytes read from a TSA, OCSP responder or CRL (a CRL of a large CA is a few hundred KB)."""


@dataclass(frozen=True, slots=True)
class TimeStamp:
    """An RFC 3161 time-stamp token (a CMS ``ContentInfo``, DER) and what it says."""

    token: bytes
    time: datetime
    certificates: tuple[x509.Certificate, ...]
    """The certificates the token carries (the TSA's, and whatever chain it embeds)."""
    signer: x509.Certificate
    """The TSA's certificate: the one the token's ``SignerInfo`` names (RFC 5652 §5.3)."""


@dataclass(frozen=True, slots=True)
class Revocation:
    """Revocation data of one certificate: an OCSP response or a CRL (DER)."""

    kind: str
    """``ocsp`` or ``crl``."""
    der: bytes
    responder_certificates: tuple[x509.Certificate, ...] = ()


def issuer_of(
    cert: x509.Certificate, candidates: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    """The candidate that issued ``cert`` (its subject is the issuer and its key signed it)."""
    for candidate in candidates:
        if candidate.subject != cert.issuer or candidate == cert:
            continue
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None


def token_signer(
    signer_infos: Iterable[Any], certificates: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    """The certificate named by the one ``SignerInfo`` (issuer and serial) of a token."""
    infos = list(signer_infos)
    if len(infos) != 1:
        return None
    for cert in certificates:
        if cert.issuer == infos[0].issuer and cert.serial_number == infos[0].serial_number:
            return cert
    return None


def check_ocsp_signature(response: ocsp.OCSPResponse, signer: x509.Certificate) -> None:
    """The OCSP response is signed by ``signer``'s key (RFC 6960 §4.2.1); else ValueError."""
    key = signer.public_key()
    algorithm = response.signature_hash_algorithm
    if algorithm is None:
        raise ValueError("no hash algorithm")
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
                       algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            raise ValueError("unsupported key type")
    except InvalidSignature:
        raise ValueError("bad signature") from None


class ValidationClient:
    """Talks to the TSA, the OCSP responder and the CRL of :class:`SigningSettings`."""

    def __init__(self, settings: SigningSettings, session: requests.Session | None = None):
        if settings.tsa_url is None:
            raise ValueError("no TSA configured")
        self.tsa_url = settings.tsa_url
        self.ocsp_url = settings.ocsp_url
        self.crl_url = settings.crl_url
        self.timeout = settings.validation_timeout
        self.session = session or requests.Session()

    def close(self) -> None:
        self.session.close()

    def timestamp(self, data: bytes) -> TimeStamp:
        """A time-stamp token over SHA-256 of ``data`` (RFC 3161 §2.4), nonce and imprint
        checked."""
        request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
                   .nonce(nonce=True).cert_request(cert_request=True).build())
        body = self._post(self.tsa_url, request.as_bytes(), "application/timestamp-query",
                          "tsa")
        try:
            response = decode_timestamp_response(body)
        except ValueError:
            raise SealingUnavailable("the TSA's answer is not a time-stamp response",
                                     service="tsa") from None
        if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
            raise SealingUnavailable("the TSA refused the request", service="tsa")
        info = response.tst_info
        expected = hashlib.sha256(data).digest()
        if info.nonce != request.nonce or not hmac.compare_digest(
            info.message_imprint.message, expected
        ):
            raise SealingUnavailable("the TSA answered another request", service="tsa")
        certificates = tuple(
            x509.load_der_x509_certificate(der) for der in response.signed_data.certificates
        )
        signer = token_signer(response.signed_data.signer_infos, certificates)
        if signer is None:
            raise SealingUnavailable("the TSA's answer lacks its certificate", service="tsa")
        return TimeStamp(response.time_stamp_token(), info.gen_time, certificates, signer)

    def revocation(self, cert: x509.Certificate, issuer: x509.Certificate) -> Revocation:
        """The status of ``cert``: from the OCSP responder, else from the CRL.

        Raises :class:`SealingUnavailable` when neither answers usably, and
        :class:`SignatureInvalid` (``reason="revoked"``) when ``cert`` is revoked: a revoked
        key seals nothing.
        """
        failure: SealingUnavailable | None = None
        if self.ocsp_url is not None:
            try:
                return self._ocsp(cert, issuer)
            except SealingUnavailable as exc:
                failure = exc
                log.warning("OCSP failed (%s); trying the CRL", exc)
        if self.crl_url is not None:
            return self._crl(cert, issuer)
        assert failure is not None  # the settings require an OCSP or a CRL URL
        raise failure

    def _ocsp(self, cert: x509.Certificate, issuer: x509.Certificate) -> Revocation:
        request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
        assert self.ocsp_url is not None
        body = self._post(self.ocsp_url, request.public_bytes(Encoding.DER),
                          "application/ocsp-request", "ocsp")
        try:
            response = ocsp.load_der_ocsp_response(body)
            successful = response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
            if not successful or response.serial_number != cert.serial_number:
                raise ValueError("not an answer about this certificate")
            signer = next((c for c in response.certificates if c.subject == response.responder_name
                           or _key_hash(c) == response.responder_key_hash), issuer)
            check_ocsp_signature(response, signer)
            status = response.certificate_status
        except ValueError:
            raise SealingUnavailable("the OCSP responder gave no usable answer",
                                     service="ocsp") from None
        if status == ocsp.OCSPCertStatus.REVOKED:
            raise SignatureInvalid(f"the certificate {cert.subject.rfc4514_string()} is revoked",
                                   reason="revoked")
        if status != ocsp.OCSPCertStatus.GOOD:
            raise SealingUnavailable("the OCSP responder does not know the certificate",
                                     service="ocsp")
        return Revocation("ocsp", body, tuple(response.certificates))

    def _crl(self, cert: x509.Certificate, issuer: x509.Certificate) -> Revocation:
        assert self.crl_url is not None
        body = self._get(self.crl_url, "crl")
        try:
            crl = x509.load_der_x509_crl(body)
            if crl.issuer != issuer.subject or not crl.is_signature_valid(
                issuer.public_key()  # type: ignore[arg-type]
            ):
                raise ValueError("not the issuer's CRL")
        except ValueError:
            raise SealingUnavailable("the CRL is not the issuer's", service="crl") from None
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            raise SignatureInvalid(f"the certificate {cert.subject.rfc4514_string()} is revoked",
                                   reason="revoked")
        return Revocation("crl", body)

    def _post(self, url: str, body: bytes, content_type: str, service: str) -> bytes:
        return self._fetch("POST", url, service, body, {"Content-Type": content_type})

    def _get(self, url: str, service: str) -> bytes:
        return self._fetch("GET", url, service, None, {})

    def _fetch(self, method: str, url: str, service: str, body: bytes | None,
               headers: dict[str, str]) -> bytes:
        try:
            with self.session.request(method, url, data=body, headers=headers,
                                      timeout=self.timeout, stream=True) as answer:
                if answer.status_code != 200:
                    raise SealingUnavailable(f"{service} answered HTTP {answer.status_code}",
                                             service=service)
                data = answer.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise SealingUnavailable(f"{service} did not answer: {type(exc).__name__}",
                                     service=service) from None
        if len(data) > MAX_ANSWER_BYTES:
            raise SealingUnavailable(f"{service} answered too much", service=service)
        return bytes(data)


def _key_hash(cert: x509.Certificate) -> bytes:
    """SHA-1 of the subject public key's bits (RFC 6960 §4.2.1 ``byKey``)."""
    return x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest
