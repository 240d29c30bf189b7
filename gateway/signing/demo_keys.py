"""Demo key material: a private CA, the gateway's signing certificate and VISC's e-seal.

Used when no key is configured, so that a fresh checkout signs and verifies end to end. The
files live under ``data_dir/keys/`` (directory mode 0700, private keys 0600), never in the
repository. Generation is idempotent: an existing file is kept, never overwritten. Certificates
follow RFC 5280 §4.2.1 (basicConstraints, keyUsage, key identifiers); the e-seal's subject
carries an organizationIdentifier in the ETSI EN 319 412-1 §5.1.4 form (``NTRLV-<reg. no.>``).
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateway.errors import ConfigurationError
from gateway.signing.config import SignatureAlgorithm

logger = logging.getLogger(__name__)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

VISC_NAME = "Valsts izglītības satura centrs"
VISC_ORGANIZATION_IDENTIFIER = "NTRLV-90000022399"
DEMO_CA_COMMON_NAME = "VPIS demo CA"
"""The demo CA's common name: the subject of the demo CA, the issuer of every demo certificate
(what ``gateway.production`` recognises demo key material by)."""
_VALIDITY = timedelta(days=5 * 365)
_BACKDATE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DemoKeyPaths:
    """Where the demo files of one algorithm are (PEM; ``*.key.pem`` are private keys)."""

    directory: Path
    ca_key: Path
    ca_certificate: Path
    key: Path
    certificate: Path
    eseal_key: Path
    eseal_certificate: Path


def demo_key_paths(data_dir: Path, algorithm: SignatureAlgorithm) -> DemoKeyPaths:
    """The demo file names; the CA is shared, the other keys exist once per algorithm."""
    directory = data_dir / "keys"
    alg = algorithm.value
    return DemoKeyPaths(
        directory=directory,
        ca_key=directory / "ca.key.pem",
        ca_certificate=directory / "ca.pem",
        key=directory / f"gateway-{alg}.key.pem",
        certificate=directory / f"gateway-{alg}.pem",
        eseal_key=directory / f"eseal-{alg}.key.pem",
        eseal_certificate=directory / f"eseal-{alg}.pem",
    )


def ensure_demo_keys(data_dir: Path, algorithm: SignatureAlgorithm) -> DemoKeyPaths:
    """Create whatever demo key material is missing under ``data_dir/keys/``; keep the rest.

    RSA keys are 2048 bits, EC keys use P-256, per ``algorithm``. A file lock serialises
    concurrent callers (several worker processes starting at once).
    """
    paths = demo_key_paths(data_dir, algorithm)
    if _all_exist(paths.ca_key, paths.ca_certificate, paths.key, paths.certificate,
                  paths.eseal_key, paths.eseal_certificate):
        return paths  # nothing to make: the keys are read (and checked) by their users
    paths.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(paths.directory, 0o700)
    with _locked(paths.directory / ".lock"):
        ca_key = _ensure_key(paths.ca_key, algorithm)
        ca_name = _name(DEMO_CA_COMMON_NAME)
        ca_cert = _ensure_certificate(
            paths.ca_certificate,
            lambda: _build(ca_name, ca_key.public_key(), ca_name, ca_key, None, ca=True),
        )
        leaf = _name("VPIS gateway demo signing")
        _ensure_leaf(paths.key, paths.certificate, leaf, algorithm, ca_key, ca_cert, False)
        eseal = _eseal_name()
        _ensure_leaf(
            paths.eseal_key, paths.eseal_certificate, eseal, algorithm, ca_key, ca_cert, True
        )
    return paths


@dataclass(frozen=True, slots=True)
class DemoServicePaths:
    """The demo PKI's services (RULES §6): the time-stamping authority and the OCSP responder,
    each a P-256 key and a certificate issued by the demo CA."""

    tsa_key: Path
    tsa_certificate: Path
    ocsp_key: Path
    ocsp_certificate: Path


TSA_COMMON_NAME = "VPIS demo time-stamping authority"
OCSP_COMMON_NAME = "VPIS demo OCSP responder"


def ensure_demo_services(data_dir: Path, algorithm: SignatureAlgorithm) -> DemoServicePaths:
    """Create the demo CA (:func:`ensure_demo_keys`) and the keys and certificates of its TSA
    (extended key usage timeStamping, critical; RFC 3161 §2.3) and OCSP responder
    (OCSPSigning and ocsp-nocheck; RFC 6960 §4.2.2.2), keeping whatever exists."""
    keys = ensure_demo_keys(data_dir, algorithm)
    directory = keys.directory
    paths = DemoServicePaths(
        tsa_key=directory / "tsa.key.pem",
        tsa_certificate=directory / "tsa.pem",
        ocsp_key=directory / "ocsp.key.pem",
        ocsp_certificate=directory / "ocsp.pem",
    )
    if _all_exist(paths.tsa_key, paths.tsa_certificate, paths.ocsp_key, paths.ocsp_certificate):
        return paths
    with _locked(directory / ".lock"):
        ca_key = _ensure_key(keys.ca_key, algorithm)
        ca_cert = x509.load_pem_x509_certificate(keys.ca_certificate.read_bytes())
        for key_path, cert_path, name, purpose in (
            (paths.tsa_key, paths.tsa_certificate, TSA_COMMON_NAME,
             ExtendedKeyUsageOID.TIME_STAMPING),
            (paths.ocsp_key, paths.ocsp_certificate, OCSP_COMMON_NAME,
             ExtendedKeyUsageOID.OCSP_SIGNING),
        ):
            # P-256: Certomancer loads the key for every answer, and an RSA key's load checks
            # cost ~100 ms, an EC key's well under one
            key = _ensure_key(key_path, SignatureAlgorithm.ECDSA_SHA256)
            if not cert_path.exists():
                cert = _build(_name(name), key.public_key(), ca_cert.subject, ca_key, ca_cert,
                              purpose=purpose)
                _write_new(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return paths


def issue_demo_certificate(
    data_dir: Path, key_path: Path, cert_path: Path, common_name: str, *, eseal: bool = True
) -> x509.Certificate:
    """Another certificate of the demo CA (tests: a second e-seal to revoke); kept if present."""
    keys = demo_key_paths(data_dir, SignatureAlgorithm.RSA_SHA256)
    with _locked(keys.directory / ".lock"):
        ca_key = _ensure_key(keys.ca_key, SignatureAlgorithm.RSA_SHA256)
        ca_cert = x509.load_pem_x509_certificate(keys.ca_certificate.read_bytes())
        key = _ensure_key(key_path, SignatureAlgorithm.RSA_SHA256)
        return _ensure_certificate(
            cert_path,
            lambda: _build(_name(common_name), key.public_key(), ca_cert.subject, ca_key,
                           ca_cert, eseal=eseal),
        )


def _ensure_leaf(
    key_path: Path,
    cert_path: Path,
    subject: x509.Name,
    algorithm: SignatureAlgorithm,
    ca_key: PrivateKey,
    ca_cert: x509.Certificate,
    eseal: bool,
) -> None:
    key = _ensure_key(key_path, algorithm)
    _ensure_certificate(
        cert_path,
        lambda: _build(subject, key.public_key(), ca_cert.subject, ca_key, ca_cert, eseal=eseal),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, VISC_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _eseal_name() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, VISC_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, VISC_ORGANIZATION_IDENTIFIER),
            x509.NameAttribute(NameOID.COMMON_NAME, "VISC demo e-seal"),
        ]
    )


def _build(
    subject: x509.Name,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    issuer: x509.Name,
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate | None,
    *,
    ca: bool = False,
    eseal: bool = False,
    purpose: x509.ObjectIdentifier | None = None,
) -> x509.Certificate:
    now = datetime.now(UTC)
    not_after = now + _VALIDITY
    if issuer_cert is not None:  # a leaf never outlives its CA (RFC 5280 §6.1.3)
        not_after = min(not_after, issuer_cert.not_valid_after_utc)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=eseal,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if purpose is not None:  # RFC 3161 §2.3: the only purpose of a TSA's key, and critical
        builder = builder.add_extension(x509.ExtendedKeyUsage([purpose]), critical=True)
    if purpose == ExtendedKeyUsageOID.OCSP_SIGNING:  # RFC 6960 §4.2.2.2.1: nobody asks about it
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _all_exist(*paths: Path) -> bool:
    """Whether every file is there. Each is written whole or not at all (:func:`_write_new`),
    so this needs no lock; it spares every worker the loading of keys it has no use for (an
    RSA key's load checks cost tens of milliseconds each)."""
    return all(path.exists() for path in paths)


def _ensure_key(path: Path, algorithm: SignatureAlgorithm) -> PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ConfigurationError(f"demo key {path} is neither RSA nor EC; remove it")
        return key
    new: PrivateKey
    if algorithm is SignatureAlgorithm.ECDSA_SHA256:
        new = ec.generate_private_key(ec.SECP256R1())
    else:
        new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = new.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_new(path, pem, 0o600)
    logger.info("generated demo key %s", path)
    return new


def _ensure_certificate(path: Path, build: Callable[[], x509.Certificate]) -> x509.Certificate:
    if path.exists():
        return x509.load_pem_x509_certificate(path.read_bytes())
    cert = build()
    _write_new(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    logger.info("generated demo certificate %s", path)
    return cert


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``path`` atomically, failing rather than replacing an existing file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic, and refuses to overwrite
    finally:
        tmp.unlink()


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
