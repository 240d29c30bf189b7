"""Loading the signing keys: the gateway's response-signing key and VISC's e-seal.

A key comes from PEM files, a PKCS#12 file (RFC 7292) or, when none is configured, the demo
files of :func:`ensure_demo_keys`. Loading checks what would otherwise only show as signatures
that nobody can verify: the key matches its certificate, the key type matches the algorithm,
the certificate allows digitalSignature (RFC 5280 §4.2.1.3) and is valid now. Load once per
process and pass the :class:`SigningKey` in; nothing here caches.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from gateway.errors import ConfigurationError
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.demo_keys import (
    DemoKeyPaths,
    PrivateKey,
    demo_key_paths,
    ensure_demo_keys,
)

__all__ = [
    "DemoKeyPaths",
    "PrivateKey",
    "SigningKey",
    "ensure_demo_keys",
    "load_eseal_key",
    "load_signer_key",
    "pinned_ca_file",
]

logger = logging.getLogger(__name__)

_MIN_RSA_BITS = 2048
_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key with its certificate, ready for XMLDSig/XAdES; build with :meth:`create`."""

    private_key: PrivateKey
    certificate: x509.Certificate
    certificate_der: bytes
    certificate_b64: str
    """Base64 of the DER certificate, the content of ``ds:X509Certificate`` (XMLDSig 1.1 §4.5.4)."""
    algorithm: SignatureAlgorithm
    chain: tuple[x509.Certificate, ...] = ()
    """Further certificates that came with the key (intermediates), leaf first excluded."""

    @classmethod
    def create(
        cls,
        private_key: object,
        certificate: x509.Certificate,
        *,
        algorithm: SignatureAlgorithm | None = None,
        chain: tuple[x509.Certificate, ...] = (),
        at: datetime | None = None,
        origin: str | None = None,
    ) -> SigningKey:
        """Check and bundle a key; ``algorithm`` None means: the one the key type implies.

        Raises :class:`~gateway.errors.ConfigurationError` if the key is of an unsupported type
        or size, does not match ``algorithm`` or the certificate, or the certificate does not
        allow digitalSignature or is not valid at ``at`` (default: now). ``origin`` names where
        the key and the certificate came from (settings and files), for the messages.
        """
        key = _supported_key(private_key)
        implied = (
            SignatureAlgorithm.RSA_SHA256
            if isinstance(key, rsa.RSAPrivateKey)
            else SignatureAlgorithm.ECDSA_SHA256
        )
        if algorithm is not None and algorithm is not implied:
            raise ConfigurationError(
                f"signing.algorithm is {algorithm.value} but the key is for {implied.value}",
                algorithm=algorithm.value,
                key_algorithm=implied.value,
            )
        if _spki(key.public_key()) != _spki(certificate.public_key()):
            raise ConfigurationError(
                "the private key does not match the certificate"
                + (f": {origin}" if origin else ""))
        _check_certificate(certificate, at or datetime.now(UTC))
        der = certificate.public_bytes(serialization.Encoding.DER)
        return cls(
            private_key=key,
            certificate=certificate,
            certificate_der=der,
            certificate_b64=base64.b64encode(der).decode("ascii"),
            algorithm=implied,
            chain=chain,
        )


def load_signer_key(settings: SigningSettings, data_dir: Path) -> SigningKey:
    """Load the gateway's response-signing key: PEM, PKCS#12 or (none configured) demo files.

    The key type must match ``settings.algorithm``.
    """
    if settings.pkcs12_file is not None:
        password = None
        if settings.pkcs12_password_file is not None:
            raw = _read(settings.pkcs12_password_file, "signing.pkcs12_password_file", private=True)
            password = raw.rstrip(b"\r\n")
        data = _read(settings.pkcs12_file, "signing.pkcs12_file", private=True)
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, password)
        except ValueError:
            raise ConfigurationError(
                "signing.pkcs12_file: cannot decrypt or parse the PKCS#12 file "
                "(wrong password or not PKCS#12)"
            ) from None
        if key is None or cert is None:
            raise ConfigurationError("signing.pkcs12_file: must hold a private key and certificate")
        return SigningKey.create(key, cert, algorithm=settings.algorithm, chain=tuple(extra),
                                 origin=f"signing.pkcs12_file {settings.pkcs12_file}")
    if settings.key_file is not None and settings.certificate_file is not None:
        return _load_pem(
            settings.key_file,
            settings.certificate_file,
            settings.algorithm,
            "signing.key_file",
            "signing.certificate_file",
        )
    demo = ensure_demo_keys(data_dir, settings.algorithm)
    logger.warning("signing responses with the generated DEMO key %s", demo.key)
    return _load_pem(demo.key, demo.certificate, settings.algorithm, "demo key", "demo cert")


def load_eseal_key(settings: SigningSettings, data_dir: Path) -> SigningKey:
    """Load VISC's e-seal key for XAdES e-documents: PEM or (none configured) demo files.

    Its algorithm follows its key type (the e-seal need not match ``settings.algorithm``);
    the demo e-seal is generated for ``settings.algorithm``.
    """
    if settings.eseal_key_file is not None and settings.eseal_certificate_file is not None:
        return _load_pem(
            settings.eseal_key_file,
            settings.eseal_certificate_file,
            None,
            "signing.eseal_key_file",
            "signing.eseal_certificate_file",
        )
    demo = ensure_demo_keys(data_dir, settings.algorithm)
    logger.warning("sealing e-documents with the generated DEMO e-seal %s", demo.eseal_key)
    return _load_pem(demo.eseal_key, demo.eseal_certificate, None, "demo key", "demo cert")


def pinned_ca_file(settings: SigningSettings, data_dir: Path) -> Path | None:
    """The CA certificate verifiers pin: ``ca_file``, else the demo CA when demo keys sign.

    Never makes keys: only ``gateway init`` and ``gateway serve`` do. The demo CA's path is
    returned whether or not it exists yet; the caller says what to do when it does not.
    """
    if settings.ca_file is not None:
        return settings.ca_file
    if settings.uses_demo_keys:
        return demo_key_paths(data_dir, settings.algorithm).ca_certificate
    return None


def _load_pem(
    key_path: Path,
    cert_path: Path,
    algorithm: SignatureAlgorithm | None,
    key_setting: str,
    cert_setting: str,
) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(
            _read(key_path, key_setting, private=True), password=None
        )
    except (ValueError, TypeError):
        raise ConfigurationError(
            f"{key_setting}: not an unencrypted PEM private key "
            "(for a password-protected key use a PKCS#12 file)"
        ) from None
    try:
        certs = x509.load_pem_x509_certificates(_read(cert_path, cert_setting))
    except ValueError:
        raise ConfigurationError(f"{cert_setting}: not a PEM certificate") from None
    return SigningKey.create(key, certs[0], algorithm=algorithm, chain=tuple(certs[1:]),
                             origin=f"{key_setting} {key_path} and {cert_setting} {cert_path}")


def _read(path: Path, setting: str, *, private: bool = False) -> bytes:
    try:
        if private and path.stat().st_mode & 0o077:
            logger.warning("%s %s is readable by group or others; use mode 0600", setting, path)
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"{setting}: cannot read {path} ({exc.strerror})", path=str(path)
        ) from None


def _supported_key(key: object) -> PrivateKey:
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < _MIN_RSA_BITS:
            raise ConfigurationError(
                f"RSA keys must have at least {_MIN_RSA_BITS} bits", key_size=key.key_size
            )
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, _CURVES):
            raise ConfigurationError("EC keys must use P-256, P-384 or P-521", curve=key.curve.name)
        return key
    raise ConfigurationError(
        "only RSA and EC private keys are supported", key_type=type(key).__name__
    )


def _spki(public_key: object) -> bytes:
    if not isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return b""
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_certificate(cert: x509.Certificate, at: datetime) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not usage.digital_signature:
        raise ConfigurationError("the certificate's keyUsage does not allow digitalSignature")
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise ConfigurationError(
            "the signing certificate is not valid now",
            not_before=cert.not_valid_before_utc.isoformat(),
            not_after=cert.not_valid_after_utc.isoformat(),
        )
