"""Demo keys (modes, idempotence, the chain) and loading keys from PEM and PKCS#12."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from gateway.errors import ConfigurationError
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import (
    SigningKey,
    ensure_demo_keys,
    load_eseal_key,
    load_signer_key,
    pinned_ca_file,
)

from .conftest import Signer, self_signed

RSA, EC = SignatureAlgorithm.RSA_SHA256, SignatureAlgorithm.ECDSA_SHA256


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_demo_keys_are_private_and_idempotent(tmp_path: Path) -> None:
    paths = ensure_demo_keys(tmp_path, RSA)
    assert _mode(paths.directory) == 0o700
    for key in (paths.ca_key, paths.key, paths.eseal_key):
        assert _mode(key) == 0o600, key
    files = sorted(p for p in paths.directory.iterdir() if not p.name.startswith("."))
    before = {p: p.read_bytes() for p in files}

    again = ensure_demo_keys(tmp_path, RSA)
    assert again == paths
    assert {p: p.read_bytes() for p in files} == before
    assert not list(paths.directory.glob(".*.tmp"))


def test_a_missing_certificate_is_reissued_for_the_kept_key(tmp_path: Path) -> None:
    paths = ensure_demo_keys(tmp_path, EC)
    key, old = paths.key.read_bytes(), _cert(paths.certificate)
    paths.certificate.unlink()
    ensure_demo_keys(tmp_path, EC)
    assert paths.key.read_bytes() == key
    assert _cert(paths.certificate).public_key() == old.public_key()


def test_both_algorithms_share_one_ca(tmp_path: Path) -> None:
    rsa_paths, ec_paths = ensure_demo_keys(tmp_path, RSA), ensure_demo_keys(tmp_path, EC)
    assert rsa_paths.ca_certificate == ec_paths.ca_certificate
    assert rsa_paths.key != ec_paths.key
    ca = _cert(rsa_paths.ca_certificate)
    _cert(ec_paths.certificate).verify_directly_issued_by(ca)


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithm), ids=lambda a: a.value)
def test_demo_chain_and_profiles(tmp_path: Path, algorithm: SignatureAlgorithm) -> None:
    paths = ensure_demo_keys(tmp_path, algorithm)
    ca, leaf, eseal = (
        _cert(p) for p in (paths.ca_certificate, paths.certificate, paths.eseal_certificate)
    )
    ca.verify_directly_issued_by(ca)
    leaf.verify_directly_issued_by(ca)
    eseal.verify_directly_issued_by(ca)

    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "VPIS demo CA"
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ca_usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ca_usage.key_cert_sign and not ca_usage.digital_signature

    leaf_cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert leaf_cn == "VPIS gateway demo signing"
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature

    def attr(oid: x509.ObjectIdentifier) -> object:
        return eseal.subject.get_attributes_for_oid(oid)[0].value

    assert attr(NameOID.COMMON_NAME) == "VISC demo e-seal"
    assert attr(NameOID.ORGANIZATION_NAME) == "Valsts izglītības satura centrs"
    assert attr(NameOID.COUNTRY_NAME) == "LV"
    assert attr(NameOID.ORGANIZATION_IDENTIFIER) == "NTRLV-90000022399"
    usage = eseal.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment

    now = datetime.now(UTC)
    assert leaf.not_valid_before_utc < now - timedelta(hours=23)
    assert leaf.not_valid_after_utc > now + timedelta(days=4 * 365)
    public = leaf.public_key()
    if algorithm is RSA:
        assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    else:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        assert isinstance(public.curve, ec.SECP256R1)


def test_demo_key_loads_with_its_algorithm(signer: Signer) -> None:
    assert signer.key.certificate == _cert(signer.paths.certificate)
    assert signer.key.chain == ()
    assert signer.key.certificate_der == signer.key.certificate.public_bytes(
        serialization.Encoding.DER
    )


def test_pem_files_with_a_chain(tmp_path: Path, rsa_signer: Signer) -> None:
    paths = rsa_signer.paths
    chain_file = tmp_path / "cert-and-chain.pem"
    chain_file.write_bytes(paths.certificate.read_bytes() + paths.ca_certificate.read_bytes())
    settings = SigningSettings(key_file=paths.key, certificate_file=chain_file)
    key = load_signer_key(settings, tmp_path)
    assert key.certificate == rsa_signer.key.certificate
    assert key.chain == (_cert(paths.ca_certificate),)
    assert not (tmp_path / "keys").exists()  # configured keys: no demo keys generated


@pytest.mark.parametrize("password", [b"pa55-w0rd", None])
def test_pkcs12(tmp_path: Path, signer: Signer, password: bytes | None) -> None:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"vpis",
        signer.key.private_key,
        signer.key.certificate,
        [_cert(signer.paths.ca_certificate)],
        encryption,
    )
    p12 = tmp_path / "gateway.p12"
    p12.write_bytes(bundle)
    password_file = None
    if password:
        password_file = tmp_path / "password"
        password_file.write_bytes(password + b"\n")  # as `echo` writes it
    settings = SigningSettings(
        algorithm=signer.key.algorithm, pkcs12_file=p12, pkcs12_password_file=password_file
    )
    key = load_signer_key(settings, tmp_path)
    assert key.certificate_der == signer.key.certificate_der
    assert len(key.chain) == 1

    if password:
        password_file.write_bytes(b"wrong")  # type: ignore[union-attr]
        with pytest.raises(ConfigurationError, match="pkcs12_file"):
            load_signer_key(settings, tmp_path)


def test_key_not_matching_the_certificate(tmp_path: Path, rsa_signer: Signer) -> None:
    paths = rsa_signer.paths
    settings = SigningSettings(key_file=paths.key, certificate_file=paths.eseal_certificate)
    with pytest.raises(ConfigurationError, match="does not match the certificate") as refused:
        load_signer_key(settings, tmp_path)
    # which key and which certificate (issue 24): the settings and their files
    assert f"signing.key_file {paths.key}" in str(refused.value)
    assert f"signing.certificate_file {paths.eseal_certificate}" in str(refused.value)


def test_algorithm_not_matching_the_key(tmp_path: Path, rsa_signer: Signer) -> None:
    paths = rsa_signer.paths
    settings = SigningSettings(algorithm=EC, key_file=paths.key, certificate_file=paths.certificate)
    with pytest.raises(ConfigurationError, match="algorithm"):
        load_signer_key(settings, tmp_path)


def test_ca_certificate_cannot_sign_answers(tmp_path: Path, rsa_signer: Signer) -> None:
    paths = rsa_signer.paths
    settings = SigningSettings(key_file=paths.ca_key, certificate_file=paths.ca_certificate)
    with pytest.raises(ConfigurationError, match="digitalSignature"):
        load_signer_key(settings, tmp_path)


def test_weak_or_expired_keys_are_refused(rsa_signer: Signer) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    with pytest.raises(ConfigurationError, match="2048"):
        SigningKey.create(weak, self_signed(weak, days=1))
    key = rsa_signer.key.private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    with pytest.raises(ConfigurationError, match="not valid now"):
        SigningKey.create(key, self_signed(key, days=-1, start=-2))
    with pytest.raises(ConfigurationError, match="RSA and EC"):
        SigningKey.create(object(), rsa_signer.key.certificate)


def test_unreadable_or_encrypted_files_name_the_setting(tmp_path: Path, rsa_signer: Signer) -> None:
    paths = rsa_signer.paths
    missing = SigningSettings(key_file=tmp_path / "nope.pem", certificate_file=paths.certificate)
    with pytest.raises(ConfigurationError, match=r"signing\.key_file: cannot read"):
        load_signer_key(missing, tmp_path)

    key = serialization.load_pem_private_key(paths.key.read_bytes(), password=None)
    encrypted = tmp_path / "encrypted.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    settings = SigningSettings(key_file=encrypted, certificate_file=paths.certificate)
    with pytest.raises(ConfigurationError, match="PKCS#12"):
        load_signer_key(settings, tmp_path)

    settings = SigningSettings(key_file=paths.key, certificate_file=paths.key)
    with pytest.raises(ConfigurationError, match=r"signing\.certificate_file: not a PEM"):
        load_signer_key(settings, tmp_path)


def test_eseal_demo_and_configured(tmp_path: Path, rsa_signer: Signer) -> None:
    demo = load_eseal_key(SigningSettings(algorithm=EC), tmp_path)
    assert demo.algorithm is EC
    assert demo.certificate == _cert(tmp_path / "keys" / "eseal-ecdsa-sha256.pem")

    paths = rsa_signer.paths
    settings = SigningSettings(
        algorithm=EC,  # the e-seal's algorithm follows its own key, not the gateway's
        eseal_key_file=paths.eseal_key,
        eseal_certificate_file=paths.eseal_certificate,
    )
    configured = load_eseal_key(settings, tmp_path)
    assert configured.algorithm is RSA
    assert configured.certificate == _cert(paths.eseal_certificate)


def test_pinned_ca_file(tmp_path: Path, rsa_signer: Signer) -> None:
    demo = pinned_ca_file(SigningSettings(), tmp_path)
    assert demo == tmp_path / "keys" / "ca.pem"
    assert not (tmp_path / "keys").exists()  # naming the demo CA makes no keys
    paths = rsa_signer.paths
    configured = SigningSettings(key_file=paths.key, certificate_file=paths.certificate)
    assert pinned_ca_file(configured, tmp_path) is None
    pinned = SigningSettings(
        key_file=paths.key, certificate_file=paths.certificate, ca_file=paths.ca_certificate
    )
    assert pinned_ca_file(pinned, tmp_path) == paths.ca_certificate


def test_ec_curves(rsa_signer: Signer) -> None:
    koblitz = ec.generate_private_key(ec.SECP256K1())
    with pytest.raises(ConfigurationError, match="P-256"):
        SigningKey.create(koblitz, rsa_signer.key.certificate)
