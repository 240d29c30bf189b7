"""Keys as operators get them: a signing certificate under an intermediate CA under the root
that verifiers pin, a PKCS#12 file that carries the chain, and key rotation.

VISC's e-seal is issued by a qualified CA under a root, not by the root itself; the
intermediates travel in ``ds:X509Data`` after the signing certificate, and every verifier —
ours, signxml's and xmlsec1 — finds the path to the pinned root from there."""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.verifier import XMLVerifier

from gateway.errors import SignatureInvalid
from gateway.signing.asice import seal_pdf
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import SigningKey, load_signer_key
from gateway.signing.verify import verify_edoc, verify_file, verify_soap_answer
from gateway.signing.xmldsig import sign_enveloped

from .conftest import ENVELOPE, XMLSEC1_VERIFY, parse, payload_of, xmlsec1_verifies
from .test_xades import FAKE_PDF, xmlsec1_xades

NOW = datetime.now(UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass(frozen=True)
class Issued:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _issue(cn: str, issuer: Issued | None, *, ca: bool, path_length: int | None = None,
           eseal: bool = False) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    signer_key = issuer.key if issuer else key
    usage = x509.KeyUsage(
        digital_signature=not ca, content_commitment=eseal, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.certificate.subject if issuer else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    )
    return Issued(key, builder.sign(signer_key, hashes.SHA256()))


@dataclass(frozen=True)
class Pki:
    root: Issued
    intermediate: Issued
    eseal: Issued
    signer: Issued

    def key(self, leaf: Issued, *, with_chain: bool = True) -> SigningKey:
        chain = (self.intermediate.certificate,) if with_chain else ()
        return SigningKey.create(leaf.key, leaf.certificate, chain=chain)


def _pki(name: str) -> Pki:
    root = _issue(f"{name} root", None, ca=True, path_length=1)
    intermediate = _issue(f"{name} qualified CA", root, ca=True, path_length=0)
    return Pki(
        root=root,
        intermediate=intermediate,
        eseal=_issue("VISC e-seal", intermediate, ca=False, eseal=True),
        signer=_issue("VPIS gateway signing", intermediate, ca=False),
    )


@pytest.fixture(scope="module")
def pki() -> Pki:
    return _pki("Test")


def _pem(path: Path, *certs: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
    return path


def _signed_answer(key: SigningKey) -> bytes:
    tree = parse(ENVELOPE.read_bytes())
    sign_enveloped(payload_of(tree), key, id_value="resp-chain")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def test_an_edoc_sealed_under_an_intermediate_verifies_against_the_root(pki: Pki) -> None:
    edoc = seal_pdf("a.pdf", FAKE_PDF, pki.key(pki.eseal), NOW)
    checks = verify_edoc(edoc, ca_certificate=pki.root.certificate)
    path = "certificate: issued by Test root via Test qualified CA, valid at the signing time"
    assert any(c.startswith(path) for c in checks), checks


def test_without_the_intermediate_there_is_no_path(pki: Pki) -> None:
    edoc = seal_pdf("a.pdf", FAKE_PDF, pki.key(pki.eseal, with_chain=False), NOW)
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(edoc, ca_certificate=pki.root.certificate)
    assert caught.value.reason == "certificate-chain"


def test_a_root_that_did_not_issue_the_chain_is_refused(pki: Pki) -> None:
    edoc = seal_pdf("a.pdf", FAKE_PDF, pki.key(pki.eseal), NOW)
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(edoc, ca_certificate=_pki("Other").root.certificate)
    assert caught.value.reason == "certificate-chain"


def test_xmlsec1_finds_the_same_path(pki: Pki, tmp_path: Path) -> None:
    edoc = seal_pdf("a.pdf", FAKE_PDF, pki.key(pki.eseal), NOW)
    with zipfile.ZipFile(io.BytesIO(edoc)) as archive:
        (tmp_path / "sig.xml").write_bytes(archive.read("META-INF/signatures0.xml"))
        (tmp_path / "a.pdf").write_bytes(archive.read("a.pdf"))
    root_pem = _pem(tmp_path / "root.pem", pki.root.certificate)
    result = xmlsec1_xades(root_pem, tmp_path / "sig.xml", {"a.pdf": tmp_path / "a.pdf"})
    assert result.returncode == 0, result.stderr


def test_a_pkcs12_file_with_its_chain_signs_answers_that_verify_at_the_root(
    pki: Pki, tmp_path: Path
) -> None:
    bundle = pkcs12.serialize_key_and_certificates(
        b"gateway", pki.signer.key, pki.signer.certificate, [pki.intermediate.certificate],
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    (tmp_path / "gateway.p12").write_bytes(bundle)
    (tmp_path / "password").write_bytes(b"s3cret\n")
    key = load_signer_key(
        SigningSettings(algorithm=SignatureAlgorithm.ECDSA_SHA256,
                        pkcs12_file=tmp_path / "gateway.p12",
                        pkcs12_password_file=tmp_path / "password"),
        tmp_path,
    )
    assert key.chain == (pki.intermediate.certificate,)
    answer = _signed_answer(key)
    checks = verify_soap_answer(answer, ca_certificate=pki.root.certificate)
    assert "certificate: issued by Test root via Test qualified CA, valid now" in checks
    root_pem = _pem(tmp_path / "root.pem", pki.root.certificate)
    XMLVerifier().verify(answer, ca_pem_file=str(root_pem))
    assert xmlsec1_verifies(answer, root_pem, tmp_path)


def test_after_a_key_rotation_old_and_new_answers_verify_with_the_published_set(
    pki: Pki, tmp_path: Path
) -> None:
    """A new signing key under a new CA: the published set holds both roots for as long as
    answers signed with the old key are in circulation."""
    old_answer = _signed_answer(pki.key(pki.signer))
    new = _pki("Next")
    new_answer = _signed_answer(new.key(new.signer))
    published = _pem(tmp_path / "published.pem", pki.root.certificate, new.root.certificate)
    roots = [_pem(tmp_path / "old-root.pem", pki.root.certificate),
             _pem(tmp_path / "new-root.pem", new.root.certificate)]
    for answer in (old_answer, new_answer):
        path = tmp_path / "answer.xml"
        path.write_bytes(answer)
        assert verify_file(path, ca_file=published)
        # xmlsec1 reads one certificate per --trusted-pem: each root given on its own.
        result = subprocess.run(
            [*XMLSEC1_VERIFY[:-1], *(a for r in roots for a in ("--trusted-pem", str(r))),
             str(path)], capture_output=True, text=True, check=False, timeout=30,
        )
        assert result.returncode == 0, result.stderr
    only_new = _pem(tmp_path / "new.pem", new.root.certificate)
    (tmp_path / "old.xml").write_bytes(old_answer)
    with pytest.raises(SignatureInvalid) as caught:
        verify_file(tmp_path / "old.xml", ca_file=only_new)
    assert caught.value.reason == "certificate-chain"
