"""``environment = "production"`` refuses what only a demo may use, each problem by its setting."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.errors import ConfigurationError, ProductionRefused
from gateway.production import production_problems, refuse_demo_parts
from gateway.settings import DEMO_PORTAL, DEMO_VERIFIER, DEMO_VIIS, Settings, load_settings
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.demo_keys import ensure_demo_keys

PRODUCTION_PORTAL = "LV/GOV/90000000001/PORTAL-PROD"
"""A stand-in for latvija.gov.lv's production subsystem (any client but the demo one)."""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no config/gateway.toml here: the built-in defaults


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VISC"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
                 issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)  # the keys' validity is the real clock's, as an operator's are
    usage = x509.KeyUsage(digital_signature=not ca, content_commitment=not ca,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(issuer_key, hashes.SHA256()))


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


@pytest.fixture
def operator_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Everything an operator sets for production: own CA, signing key, e-seal, real client."""
    keys = tmp_path / "mounted"
    keys.mkdir()
    ca_key, signing_key, eseal_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("VISC test root", ca_key, "VISC test root", ca_key, ca=True)
    files = {"ca.pem": ca,
             "gateway.pem": _certificate("VPIS gateway", signing_key, "VISC test root", ca_key,
                                         ca=False),
             "eseal.pem": _certificate("VISC e-seal", eseal_key, "VISC test root", ca_key,
                                       ca=False)}
    for name, cert in files.items():
        (keys / name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(keys / "gateway.key.pem", signing_key)
    _write_key(keys / "eseal.key.pem", eseal_key)
    (keys / "share-code.key").write_bytes(os.urandom(32))
    yield {
        "GATEWAY_ENVIRONMENT": "production",
        "GATEWAY_SIGNING__ALGORITHM": "ecdsa-sha256",
        "GATEWAY_SIGNING__KEY_FILE": str(keys / "gateway.key.pem"),
        "GATEWAY_SIGNING__CERTIFICATE_FILE": str(keys / "gateway.pem"),
        "GATEWAY_SIGNING__ESEAL_KEY_FILE": str(keys / "eseal.key.pem"),
        "GATEWAY_SIGNING__ESEAL_CERTIFICATE_FILE": str(keys / "eseal.pem"),
        "GATEWAY_SIGNING__CA_FILE": str(keys / "ca.pem"),
        "GATEWAY_SHARE_KEY_FILE": str(keys / "share-code.key"),
        # a qualified TSA and the e-seal CA's OCSP responder (RULES §6)
        "GATEWAY_SIGNING__TSA_URL": "https://tsa.example.lv/tsa",
        "GATEWAY_SIGNING__OCSP_URL": "https://ocsp.example.lv/",
        "GATEWAY_ALLOWED_CLIENTS": json.dumps({"getExamResults": [PRODUCTION_PORTAL]}),
        "GATEWAY_DATA_DIR": str(tmp_path / "var"),
        # The portal as an operator configures it (its own checks: PortalSettings).
        "GATEWAY_PORTAL__PUBLIC_URL": "https://eksameni.gov.lv/portal/",
        "GATEWAY_PORTAL__SECRET_KEY": "f3c1a9e07b5d4c2a8e6f1b0d9c7a5e3f2b1d0c9a8e7f6b5d4c3",
        "GATEWAY_PORTAL__SECURE_COOKIES": "true",
        "GATEWAY_PORTAL__COUNTRY_DATABASE": str(keys / "delegated.txt"),
        "GATEWAY_PORTAL__PROVIDERS": json.dumps([
            {"name": "eklase", "title": "E-klase", "issuer": "https://login.e-klase.lv",
             "client_secret": "a-secret-of-the-operator-0123456789"},
        ]),
    }


def settings_from(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_an_operators_own_keys_and_clients_pass(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    settings = settings_from(monkeypatch, operator_env)
    assert production_problems(settings) == []
    refuse_demo_parts(settings)  # does not raise


def test_the_demo_configuration_is_refused_each_by_its_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The committed config/gateway.toml (the demo's) with ``environment = "production"``."""
    settings = settings_from(monkeypatch, {
        "GATEWAY_ENVIRONMENT": "production",
        "GATEWAY_CONFIG": str(Path(__file__).resolve().parent.parent / "config" / "gateway.toml"),
    })
    assert settings.allowed_clients
    with pytest.raises(ProductionRefused) as refused:
        refuse_demo_parts(settings)
    settings_named = [problem.split(":", 1)[0] for problem in refused.value.problems]
    gateway_part = [name for name in settings_named if not name.startswith("portal.")]
    assert gateway_part == [
        "signing.key_file/signing.pkcs12_file", "signing.eseal_key_file", "signing.ca_file",
        "share_key_file", "signing.tsa_url",
        *(f"allowed_clients.{code}" for code in sorted(settings.allowed_clients)),
    ]
    portal_part = [p for p in refused.value.problems if p.startswith("portal.")]
    assert any("secret_key" in p for p in portal_part)
    assert any("public_url" in p for p in portal_part)
    demo_clients = [p for p in refused.value.problems if p.startswith("allowed_")]
    assert demo_clients and all(DEMO_PORTAL in p or DEMO_VIIS in p or DEMO_VERIFIER in p
                                for p in demo_clients)
    assert isinstance(refused.value, ConfigurationError)  # the CLI exits with 2


def test_the_demo_pki_and_no_tsa_are_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    """RULES §6: sealed at B-LT against a real TSA and OCSP responder, never the demo PKI's."""
    demo = "http://127.0.0.1:8084/vpis-demo"
    env = {**operator_env, "GATEWAY_SIGNING__TSA_URL": f"{demo}/tsa/tsa",
           "GATEWAY_SIGNING__OCSP_URL": f"{demo}/ocsp/ca",
           "GATEWAY_SIGNING__CRL_URL": f"{demo}/crls/ca/latest.crl"}
    problems = production_problems(settings_from(monkeypatch, env))
    assert [p.split(":", 1)[0] for p in problems] == [
        "signing.tsa_url", "signing.ocsp_url", "signing.crl_url"]
    assert all("demo PKI" in p for p in problems)
    for name in ("GATEWAY_SIGNING__TSA_URL", "GATEWAY_SIGNING__OCSP_URL",
                 "GATEWAY_SIGNING__CRL_URL"):
        monkeypatch.delenv(name)
    unset = {k: v for k, v in operator_env.items() if "TSA_URL" not in k and "OCSP_URL" not in k}
    problems = production_problems(settings_from(monkeypatch, unset))
    assert len(problems) == 1 and problems[0].startswith("signing.tsa_url: not set")


def test_development_allows_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(monkeypatch, {"GATEWAY_CLOCK_START": "2026-11-28T10:00:00Z"})
    assert settings.environment == "development"
    problems = [p for p in production_problems(settings) if not p.startswith("portal.")]
    # demo key, e-seal, CA, share key, no TSA, clock (and the portal's): allowed
    assert len(problems) == 6
    refuse_demo_parts(settings)


def test_demo_key_files_at_configured_paths_are_recognised(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str], tmp_path: Path
) -> None:
    demo = ensure_demo_keys(tmp_path / "copied", SignatureAlgorithm.ECDSA_SHA256)
    copies = tmp_path / "mounted-demo"
    copies.mkdir()
    for path in (demo.key, demo.certificate, demo.eseal_key, demo.eseal_certificate,
                 demo.ca_certificate):
        shutil.copy(path, copies / path.name)
    env = dict(operator_env,
               GATEWAY_SIGNING__KEY_FILE=str(copies / demo.key.name),
               GATEWAY_SIGNING__CERTIFICATE_FILE=str(copies / demo.certificate.name),
               GATEWAY_SIGNING__ESEAL_KEY_FILE=str(copies / demo.eseal_key.name),
               GATEWAY_SIGNING__ESEAL_CERTIFICATE_FILE=str(copies / demo.eseal_certificate.name),
               GATEWAY_SIGNING__CA_FILE=str(copies / demo.ca_certificate.name))
    problems = production_problems(settings_from(monkeypatch, env))
    assert [p.split(":", 1)[0] for p in problems] == [
        "signing.certificate_file", "signing.eseal_certificate_file", "signing.ca_file"]
    assert all("generated demo certificate" in p for p in problems)


@pytest.mark.parametrize("password", ["changeme", "  Password\n", ""])
def test_a_placeholder_pkcs12_password_is_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str], tmp_path: Path,
    password: str,
) -> None:
    password_file = tmp_path / "p12.pass"
    password_file.write_text(password, encoding="utf-8")
    env = {k: v for k, v in operator_env.items()
           if not k.startswith(("GATEWAY_SIGNING__KEY_FILE", "GATEWAY_SIGNING__CERTIFICATE"))}
    env.update(GATEWAY_SIGNING__PKCS12_FILE=str(tmp_path / "gateway.p12"),
               GATEWAY_SIGNING__PKCS12_PASSWORD_FILE=str(password_file))
    assert production_problems(settings_from(monkeypatch, env)) == [
        "signing.pkcs12_password_file: holds a placeholder password"]


def test_a_real_pkcs12_password_passes(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str], tmp_path: Path
) -> None:
    password_file = tmp_path / "p12.pass"
    password_file.write_text("k7#Vq9-long-and-random\n", encoding="utf-8")
    env = {k: v for k, v in operator_env.items()
           if not k.startswith(("GATEWAY_SIGNING__KEY_FILE", "GATEWAY_SIGNING__CERTIFICATE"))}
    env.update(GATEWAY_SIGNING__PKCS12_FILE=str(tmp_path / "gateway.p12"),
               GATEWAY_SIGNING__PKCS12_PASSWORD_FILE=str(password_file))
    assert production_problems(settings_from(monkeypatch, env)) == []


@pytest.mark.parametrize(("url", "refused"), [
    ("postgresql+psycopg://vpis:changeme@db.internal:5432/vpis", True),
    ("postgresql+psycopg://postgres:postgres@db.internal:5432/vpis", True),
    ("postgresql+psycopg://vpis@db.internal:5432/vpis", False),  # peer or certificate auth
    ("postgresql+psycopg://vpis:Zk3%23p9q-long@db.internal:5432/vpis", False),
])
def test_a_placeholder_database_password_is_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str], url: str, refused: bool
) -> None:
    problems = production_problems(settings_from(monkeypatch,
                                                 dict(operator_env, GATEWAY_DATABASE_URL=url)))
    assert problems == (["database_url: carries a placeholder password"] if refused else [])


def test_the_demo_client_on_one_allow_list_is_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    clients = {"getExamResults": [PRODUCTION_PORTAL],
               "getDocument": [PRODUCTION_PORTAL, DEMO_PORTAL],
               "getInstitutionResults": [DEMO_VIIS]}
    env = dict(operator_env, GATEWAY_ALLOWED_CLIENTS=json.dumps(clients))
    problems = production_problems(settings_from(monkeypatch, env))
    assert problems == [
        f"allowed_clients.getDocument: lists the demo client {DEMO_PORTAL}; "
        "name latvija.gov.lv's production subsystem",
        f"allowed_clients.getInstitutionResults: lists the demo client {DEMO_VIIS}; "
        "name VIIS's production subsystem"]


def test_a_fixed_clock_is_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    env = dict(operator_env, GATEWAY_CLOCK_START="2026-11-28T10:00:00+00:00")
    with pytest.raises(ProductionRefused, match="clock_start"):
        refuse_demo_parts(settings_from(monkeypatch, env))


def test_debug_logging_is_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    env = dict(operator_env, GATEWAY_LOG_LEVEL="DEBUG")
    with pytest.raises(ProductionRefused, match="log_level: DEBUG"):
        refuse_demo_parts(settings_from(monkeypatch, env))
    refuse_demo_parts(settings_from(monkeypatch, dict(operator_env, GATEWAY_LOG_LEVEL="INFO")))


def test_an_empty_clock_start_is_the_system_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CLOCK_START", "")
    assert load_settings().clock_start is None


def test_a_clock_start_must_say_its_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CLOCK_START", "2026-11-28T10:00:00")
    with pytest.raises(ConfigurationError, match=r"clock_start.*UTC offset"):
        load_settings()


def test_other_parts_add_their_checks(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    settings = settings_from(monkeypatch, operator_env)

    def portal(_: Settings) -> list[str]:
        return ["portal.cookie_secure: is off"]

    with pytest.raises(ProductionRefused, match=r"portal\.cookie_secure"):
        refuse_demo_parts(settings, extra=[portal])


def gateway(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "gateway.cli", *args], capture_output=True,
                          text=True, env=environment, cwd=cwd, timeout=120, check=False)


@pytest.mark.parametrize("command", [["init"], ["serve", "--port", "1"], ["demo"],
                                     ["registry-sim", "--port", "1"]])
def test_the_commands_refuse_to_start_with_demo_keys(tmp_path: Path, command: list[str]) -> None:
    env = {"GATEWAY_ENVIRONMENT": "production", "GATEWAY_DATA_DIR": str(tmp_path / "var")}
    done = gateway(tmp_path, env, *command)
    assert done.returncode == 2, done.stderr
    assert "environment=production" in done.stderr
    assert "ražošanas vidē" in done.stderr.lower()
    assert "Traceback" not in done.stderr
    if command[0] in ("init", "serve"):
        assert "signing.key_file" in done.stderr and "signing.ca_file" in done.stderr
    assert not (tmp_path / "var" / "keys").exists(), "refused before any demo key was made"
    assert not (tmp_path / "var" / "gateway.db").exists(), "refused before the database"


def test_init_starts_in_production_with_an_operators_keys(
    tmp_path: Path, operator_env: dict[str, str]
) -> None:
    done = gateway(tmp_path, operator_env, "init")
    assert done.returncode == 0, done.stderr
    assert "signing key ready: CN=VPIS gateway,O=VISC" in done.stdout
    assert not (tmp_path / "var" / "keys").exists(), "no demo key was made"


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("GATEWAY_PORTAL__SECRET_KEY", "", "portal.secret_key"),
    ("GATEWAY_PORTAL__SECURE_COOKIES", "false", "portal.secure_cookies"),
    ("GATEWAY_PORTAL__PUBLIC_URL", "http://eksameni.gov.lv/portal/", "portal.public_url"),
])
def test_the_portals_unsafe_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str], name: str, value: str,
    problem: str,
) -> None:
    env = dict(operator_env)
    if value:
        env[name] = value
    else:
        del env[name]  # back to the demo placeholder
    settings = settings_from(monkeypatch, env)
    problems = production_problems(settings)
    assert [p for p in problems if p.startswith(problem)], problems
    with pytest.raises(ProductionRefused):
        refuse_demo_parts(settings)


def test_a_gateway_without_the_portal_skips_its_checks(
    monkeypatch: pytest.MonkeyPatch, operator_env: dict[str, str]
) -> None:
    env = {k: v for k, v in operator_env.items() if not k.startswith("GATEWAY_PORTAL__")}
    settings = settings_from(monkeypatch, {**env, "GATEWAY_PORTAL__ENABLED": "false"})
    assert production_problems(settings) == []
