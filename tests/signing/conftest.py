"""Signing fixtures: demo keys in a temporary directory, a signed sample answer, verifiers."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from gateway.ns import VPIS
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import DemoKeyPaths, SigningKey, ensure_demo_keys, load_signer_key
from gateway.signing.xmldsig import sign_enveloped

DATA = Path(__file__).resolve().parent / "data"
ENVELOPE = DATA / "getExamResultsResponse.xml"
PAYLOAD_TAG = f"{{{VPIS}}}getExamResultsResponse"
PAYLOAD_ID = "resp-4894e35d"

# The published verification command (RULES §6), with the payload's Id declared for xmlsec1.
XMLSEC1_VERIFY = [
    "xmlsec1",
    "--verify",
    "--enabled-reference-uris",
    "same-doc",
    "--id-attr:Id",
    f"{VPIS}:getExamResultsResponse",
    "--trusted-pem",
]


def parse(data: bytes) -> etree._ElementTree:
    """Parse like the gateway must: no DTD loading, no entities, no network."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.ElementTree(etree.fromstring(data, parser))


def payload_of(tree: etree._ElementTree) -> etree._Element:
    """The response payload in the SOAP body."""
    found = tree.find(f".//{PAYLOAD_TAG}")
    assert found is not None
    return found


def self_signed(key: rsa.RSAPrivateKey, *, days: int, start: int = -1) -> x509.Certificate:
    """A self-signed certificate valid from ``start`` to ``days`` days from now."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now + timedelta(days=start))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class Signer:
    """A demo signing key of one algorithm and the files it came from."""

    key: SigningKey
    paths: DemoKeyPaths

    def sign_sample(self) -> bytes:
        """The sample envelope with its payload signed, serialised."""
        tree = parse(ENVELOPE.read_bytes())
        sign_enveloped(payload_of(tree), self.key, id_value=PAYLOAD_ID)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("signing-data")


@pytest.fixture(scope="session", params=list(SignatureAlgorithm), ids=lambda a: a.value)
def signer(request: pytest.FixtureRequest, demo_data_dir: Path) -> Signer:
    """The demo signer, once per algorithm (tests using it run for both)."""
    algorithm: SignatureAlgorithm = request.param
    key = load_signer_key(SigningSettings(algorithm=algorithm), demo_data_dir)
    return Signer(key=key, paths=ensure_demo_keys(demo_data_dir, algorithm))


@pytest.fixture(scope="session")
def rsa_signer(demo_data_dir: Path) -> Signer:
    algorithm = SignatureAlgorithm.RSA_SHA256
    key = load_signer_key(SigningSettings(algorithm=algorithm), demo_data_dir)
    return Signer(key=key, paths=ensure_demo_keys(demo_data_dir, algorithm))


def xmlsec1_verifies(document: bytes, ca_file: Path, tmp_path: Path) -> bool:
    """Whether xmlsec1 accepts ``document`` with the CA pinned as the only trust anchor."""
    target = tmp_path / "to-verify.xml"
    target.write_bytes(document)
    result = subprocess.run(
        [*XMLSEC1_VERIFY, str(ca_file), str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return result.returncode == 0


@pytest.fixture(scope="session")
def xmlsec1() -> str:
    """The xmlsec1 binary; fails (not skips) without it: CI installs it (RULES §6)."""
    path = shutil.which("xmlsec1")
    if path is None:
        pytest.fail("xmlsec1 is not installed (Debian: apt-get install xmlsec1)")
    return path
