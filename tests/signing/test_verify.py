"""``gateway verify``: sealed e-documents and signed answers pass; every tampered part fails."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from gateway.errors import ConfigurationError, SignatureInvalid
from gateway.ns import DS, SOAP11_ENV, XADES
from gateway.signing.asice import seal_pdf
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import DemoKeyPaths, SigningKey, ensure_demo_keys, load_eseal_key
from gateway.signing.verify import verify_edoc, verify_file, verify_soap_answer
from gateway.signing.xades import SIGNED_PROPERTIES_TYPE
from gateway.signing.xmldsig import exc_c14n, signature_value

from .conftest import Signer
from .test_asice import Entry, declare_size, rezip
from .test_xades import FAKE_PDF, xmlsec1_xades

NS = {"ds": DS, "xades": XADES}
PDF_NAME = "VISC-atestats-2024-000123.pdf"
SIGNATURES = "META-INF/signatures0.xml"
MANIFEST = "META-INF/manifest.xml"


@dataclass(frozen=True)
class Sealed:
    """A sealed e-document and what the tampering cases need around it."""

    key: SigningKey
    paths: DemoKeyPaths
    edoc: bytes
    foreign_paths: DemoKeyPaths
    """Demo keys of another CA."""

    @property
    def ca(self) -> x509.Certificate:
        return load_certificate(self.paths.ca_certificate)


def load_certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.fixture(scope="session")
def foreign_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("foreign-ca")


@pytest.fixture(scope="session", params=list(SignatureAlgorithm), ids=lambda a: a.value)
def sealed(request: pytest.FixtureRequest, demo_data_dir: Path, foreign_data_dir: Path) -> Sealed:
    """An e-document sealed with the demo e-seal, once per algorithm."""
    algorithm: SignatureAlgorithm = request.param
    key = load_eseal_key(SigningSettings(algorithm=algorithm), demo_data_dir)
    return Sealed(
        key=key,
        paths=ensure_demo_keys(demo_data_dir, algorithm),
        edoc=seal_pdf(PDF_NAME, FAKE_PDF, key, datetime.now(UTC)),
        foreign_paths=ensure_demo_keys(foreign_data_dir, algorithm),
    )


# --- the tampering kit ------------------------------------------------------------------------

Tamper = Callable[[Sealed], bytes]
XmlEdit = Callable[[etree._Element], None]


def entries(edoc: bytes) -> list[Entry]:
    with zipfile.ZipFile(io.BytesIO(edoc)) as archive:
        return [(i.filename, archive.read(i), i.compress_type) for i in archive.infolist()]


def in_entries(edit: Callable[[list[Entry]], list[Entry]]) -> Tamper:
    return lambda sealed: rezip(edit(entries(sealed.edoc)))


def in_entry(name: str, edit: Callable[[bytes], bytes]) -> Tamper:
    return in_entries(lambda es: [(n, edit(d) if n == name else d, c) for n, d, c in es])


def in_signature(edit: XmlEdit) -> Tamper:
    def apply(data: bytes) -> bytes:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return in_entry(SIGNATURES, apply)


def find(root: etree._Element, path: str) -> etree._Element:
    found = root.find(path, NS)
    assert found is not None, path
    return found


def set_text(path: str, text: str) -> XmlEdit:
    def edit(root: etree._Element) -> None:
        find(root, path).text = text

    return edit


def set_attribute(path: str, name: str, value: str) -> XmlEdit:
    return lambda root: find(root, path).set(name, value)


def flip_signature_byte(root: etree._Element) -> None:
    value = find(root, ".//ds:SignatureValue")
    raw = bytearray(base64.b64decode(value.text or ""))
    raw[len(raw) // 2] ^= 0x01
    value.text = base64.b64encode(bytes(raw)).decode()


def swap_certificate(pick: Callable[[Sealed], Path]) -> Tamper:
    def tamper(sealed: Sealed) -> bytes:
        der = load_certificate(pick(sealed)).public_bytes(Encoding.DER)
        edit = set_text(".//ds:X509Certificate", base64.b64encode(der).decode())
        return in_signature(edit)(sealed)

    return tamper


def transform_on_data_reference(root: etree._Element) -> None:
    transforms = etree.Element(f"{{{DS}}}Transforms")
    etree.SubElement(
        transforms, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#base64"
    )
    find(root, ".//ds:Reference[@Id='S0-RefId0']").insert(0, transforms)


def second_signed_properties(root: etree._Element) -> None:
    """Signature wrapping: a forged copy of the signed properties under the same Id."""
    signature = find(root, "ds:Signature")
    signature.append(copy.deepcopy(find(signature, "ds:Object")))


def manifest_entry(name: str) -> bytes:
    return (
        f'<manifest:file-entry manifest:full-path="{name}" '
        'manifest:media-type="application/pdf"/></manifest:manifest>'
    ).encode()


def add_unsigned_file(es: list[Entry]) -> list[Entry]:
    listed = in_manifest(lambda m: m.replace(b"</manifest:manifest>", manifest_entry("extra.pdf")))
    return [*listed(es), ("extra.pdf", FAKE_PDF, zipfile.ZIP_DEFLATED)]


def rename_pdf(es: list[Entry]) -> list[Entry]:
    """The PDF and its manifest entry renamed; the signature still names the old file."""
    renamed = in_manifest(lambda m: m.replace(PDF_NAME.encode(), b"renamed.pdf"))(es)
    return [("renamed.pdf" if n == PDF_NAME else n, d, c) for n, d, c in renamed]


def in_manifest(edit: Callable[[bytes], bytes]) -> Callable[[list[Entry]], list[Entry]]:
    return lambda es: [(n, edit(d) if n == MANIFEST else d, c) for n, d, c in es]


def drop_pdf_from_manifest(manifest: bytes) -> bytes:
    root = etree.fromstring(manifest)
    for entry in root:
        if PDF_NAME in entry.attrib.values():
            root.remove(entry)
    return etree.tostring(root)


def flip_pdf_byte(pdf: bytes) -> bytes:
    return pdf[:10] + bytes([pdf[10] ^ 0x01]) + pdf[11:]


# Each case: how the e-document is tampered with, the reason verification must give, and
# whether xmlsec1 must refuse the XMLDSig core too (False where only the container changed).
CASES: dict[str, tuple[Tamper, str, bool]] = {
    "pdf-byte": (in_entry(PDF_NAME, flip_pdf_byte), "digest", True),
    "pdf-truncated": (in_entry(PDF_NAME, lambda pdf: pdf[:-1]), "digest", True),
    "manifest-entry-removed": (in_entry(MANIFEST, drop_pdf_from_manifest), "manifest", False),
    "manifest-media-type": (
        in_entry(MANIFEST, lambda m: m.replace(b'"application/pdf"', b'"text/plain"')),
        "manifest",
        False,
    ),
    "manifest-lists-a-missing-file": (
        in_entries(
            in_manifest(lambda m: m.replace(b"</manifest:manifest>", manifest_entry("x.pdf")))
        ),
        "manifest",
        False,
    ),
    "manifest-not-xml": (in_entry(MANIFEST, lambda _m: b"not xml"), "manifest", False),
    "signing-time": (
        in_signature(set_text(".//xades:SigningTime", "2020-01-01T00:00:00Z")),
        "signed-properties-digest",
        True,
    ),
    "signed-mime-type": (
        in_signature(set_text(".//xades:MimeType", "text/plain")),
        "signed-properties-digest",
        True,
    ),
    "signature-value-byte": (in_signature(flip_signature_byte), "signature-value", True),
    "certificate-of-same-ca": (
        swap_certificate(lambda s: s.paths.certificate),
        "signing-certificate",
        True,
    ),
    "certificate-of-other-ca": (
        swap_certificate(lambda s: s.foreign_paths.eseal_certificate),
        "signing-certificate",
        True,
    ),
    "sha1-digest": (
        in_signature(
            set_attribute(
                ".//ds:Reference[@Id='S0-RefId0']/ds:DigestMethod",
                "Algorithm",
                "http://www.w3.org/2000/09/xmldsig#sha1",
            )
        ),
        "algorithm",
        True,
    ),
    "rsa-sha1-method": (
        in_signature(
            set_attribute(
                ".//ds:SignatureMethod", "Algorithm", "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
            )
        ),
        "algorithm",
        True,
    ),
    "transform-on-data-reference": (
        in_signature(transform_on_data_reference),
        "structure",
        True,
    ),
    "wrapped-signed-properties": (in_signature(second_signed_properties), "duplicate-id", False),
    "reference-uri-elsewhere": (
        in_signature(set_attribute(".//ds:Reference[@Id='S0-RefId0']", "URI", "other.pdf")),
        "reference",
        True,
    ),
    "signature-not-xml": (in_entry(SIGNATURES, lambda _s: b"<a"), "xml", False),
    "mimetype-not-first": (in_entries(lambda es: [*es[1:], es[0]]), "mimetype", False),
    "mimetype-compressed": (
        in_entries(lambda es: [(es[0][0], es[0][1], zipfile.ZIP_DEFLATED), *es[1:]]),
        "mimetype",
        False,
    ),
    "mimetype-wrong-content": (
        in_entry("mimetype", lambda _m: b"application/zip"),
        "mimetype",
        False,
    ),
    "unsigned-extra-file": (in_entries(add_unsigned_file), "unsigned-file", False),
    "reference-to-missing-file": (in_entries(rename_pdf), "reference", False),
    "zip-slip": (
        in_entries(lambda es: [*es, ("../x", b"x", zipfile.ZIP_STORED)]),
        "entry-name",
        False,
    ),
    "duplicate-entry": (in_entries(lambda es: [*es, es[1]]), "duplicate-entry", False),
    "second-signature-document": (
        in_entries(lambda es: [*es, ("META-INF/signatures1.xml", es[3][1], zipfile.ZIP_DEFLATED)]),
        "container",
        False,
    ),
    "zip-bomb": (lambda s: declare_size(s.edoc, PDF_NAME, 0xFFFFFFF0), "zip-limits", False),
}


def test_the_sealed_edoc_verifies(sealed: Sealed) -> None:
    checks = verify_edoc(sealed.edoc, ca_certificate=sealed.ca)
    algorithm = sealed.key.algorithm.value.upper()
    assert checks[0].startswith("container: mimetype first, stored")
    for expected in (
        f"data file {PDF_NAME}: SHA-256 matches reference",
        "signed properties: digest matches",
        "signing certificate digest (SigningCertificateV2) matches",
        f"signature value: valid ({algorithm})",
        "manifest: media types match the signed DataObjectFormat",
    ):
        assert expected in checks
    assert any(c.startswith("certificate: issued by VPIS demo CA, valid at") for c in checks)


@pytest.mark.parametrize(("tamper", "reason", "xmlsec1_refuses"), CASES.values(), ids=CASES.keys())
def test_tampering_fails(
    sealed: Sealed, tamper: Tamper, reason: str, xmlsec1_refuses: bool, tmp_path: Path
) -> None:
    tampered = tamper(sealed)
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(tampered, ca_certificate=sealed.ca)
    assert caught.value.reason == reason, caught.value.detail
    if xmlsec1_refuses:
        parts = {name: data for name, data, _ in entries(tampered)}
        (tmp_path / "signatures0.xml").write_bytes(parts[SIGNATURES])
        (tmp_path / "data.pdf").write_bytes(parts.get(PDF_NAME, b""))
        result = xmlsec1_xades(
            sealed.paths.ca_certificate,
            tmp_path / "signatures0.xml",
            {PDF_NAME: tmp_path / "data.pdf"},
        )
        assert result.returncode != 0


def test_a_valid_seal_of_another_ca_fails(sealed: Sealed, foreign_data_dir: Path) -> None:
    settings = SigningSettings(algorithm=sealed.key.algorithm)
    foreign = load_eseal_key(settings, foreign_data_dir)
    edoc = seal_pdf(PDF_NAME, FAKE_PDF, foreign, datetime.now(UTC))
    assert verify_edoc(edoc, ca_certificate=load_certificate(sealed.foreign_paths.ca_certificate))
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(edoc, ca_certificate=sealed.ca)
    assert caught.value.reason == "certificate-chain"


@pytest.mark.parametrize(
    ("shift", "reason"),
    [(timedelta(days=-3), "certificate-validity"), (timedelta(hours=1), "signing-time")],
    ids=["before-the-certificate", "in-the-future"],
)
def test_the_signing_time_is_checked(sealed: Sealed, shift: timedelta, reason: str) -> None:
    start = sealed.key.certificate.not_valid_before_utc
    signing_time = start + shift if shift < timedelta(0) else datetime.now(UTC) + shift
    edoc = seal_pdf(PDF_NAME, FAKE_PDF, sealed.key, signing_time)
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(edoc, ca_certificate=sealed.ca)
    assert caught.value.reason == reason


def test_independent_check_of_a_downloaded_edoc(
    sealed: Sealed, xmlsec1: str, tmp_path: Path
) -> None:
    """RULES §6 and issue 5's "done when": unzip, compare digests, xmlsec1, gateway verify."""
    edoc = tmp_path / "certificate.edoc"
    edoc.write_bytes(sealed.edoc)
    unzipped = tmp_path / "unzipped"
    if shutil.which("unzip"):
        command = ["unzip", "-q", str(edoc), "-d", str(unzipped)]
    else:
        command = [sys.executable, "-m", "zipfile", "-e", str(edoc), str(unzipped)]
    subprocess.run(command, check=True, timeout=30)
    with zipfile.ZipFile(edoc) as archive:
        archive.extractall(tmp_path / "pyzip")
    pdf = unzipped / PDF_NAME
    assert pdf.read_bytes() == (tmp_path / "pyzip" / PDF_NAME).read_bytes() == FAKE_PDF
    assert (unzipped / "mimetype").read_bytes() == b"application/vnd.etsi.asic-e+zip"

    signature = unzipped / "META-INF" / "signatures0.xml"
    root = etree.parse(str(signature), etree.XMLParser(resolve_entities=False, no_network=True))
    (reference,) = root.findall(f".//ds:Reference[@URI='{PDF_NAME}']", NS)
    assert reference.find("ds:Transforms", NS) is None
    digest_value = reference.findtext("ds:DigestValue", namespaces=NS)

    sha256sum = subprocess.run(
        ["sha256sum", str(pdf)], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()[0]
    assert base64.b64decode(digest_value or "").hex() == sha256sum
    binary = subprocess.run(
        ["openssl", "dgst", "-sha256", "-binary", str(pdf)],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    openssl = (
        subprocess.run(["base64"], input=binary, capture_output=True, check=True, timeout=30)
        .stdout.decode()
        .strip()
    )
    assert openssl == digest_value == base64.b64encode(hashlib.sha256(FAKE_PDF).digest()).decode()

    result = xmlsec1_xades(sealed.paths.ca_certificate, signature, {PDF_NAME: pdf})
    assert result.returncode == 0, result.stderr
    assert verify_file(edoc, ca_file=sealed.paths.ca_certificate)


def resigned(edit: XmlEdit) -> Tamper:
    """``edit``, then the signed properties' digest and the signature value made anew with the
    e-seal key: what a holder of the key could produce, to reach the checks behind them."""

    def tamper(sealed: Sealed) -> bytes:
        def edit_and_sign(root: etree._Element) -> None:
            edit(root)
            props = find(root, ".//xades:SignedProperties")
            digest = hashlib.sha256(exc_c14n(props)).digest()
            reference = f".//ds:Reference[@Type='{SIGNED_PROPERTIES_TYPE}']/ds:DigestValue"
            find(root, reference).text = base64.b64encode(digest).decode()
            value = signature_value(sealed.key, exc_c14n(find(root, ".//ds:SignedInfo")))
            find(root, ".//ds:SignatureValue").text = base64.b64encode(value).decode()

        return in_signature(edit_and_sign)(sealed)

    return tamper


def bogus_issuer_serial(root: etree._Element) -> None:
    find(root, ".//xades:IssuerSerialV2").text = base64.b64encode(b"0\x00").decode()  # SEQUENCE {}


def legacy_signing_certificate(root: etree._Element) -> None:
    v2 = find(root, ".//xades:SigningCertificateV2")
    v2.addnext(etree.Element(f"{{{XADES}}}SigningCertificate"))


# Checks behind the digests: the signature is made anew after each edit.
RESIGNED_CASES: dict[str, tuple[Tamper, str]] = {
    "data-object-format-elsewhere": (
        resigned(set_attribute(".//xades:DataObjectFormat", "ObjectReference", "#S0-RefId9")),
        "data-object-format",
    ),
    "issuer-serial-wrong": (resigned(bogus_issuer_serial), "signing-certificate"),
    "legacy-signing-certificate": (resigned(legacy_signing_certificate), "structure"),
    "signing-time-without-zone": (
        resigned(set_text(".//xades:SigningTime", "2024-07-11T05:00:00")),
        "signing-time",
    ),
    "signing-time-garbage": (
        resigned(set_text(".//xades:SigningTime", "yesterday")),
        "signing-time",
    ),
    "qualifying-properties-target": (
        resigned(set_attribute(".//xades:QualifyingProperties", "Target", "#S1")),
        "structure",
    ),
    "signed-properties-not-exc-c14n": (
        resigned(
            set_attribute(
                ".//ds:Transforms/ds:Transform",
                "Algorithm",
                "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            )
        ),
        "algorithm",
    ),
    "signed-properties-reference-elsewhere": (
        resigned(set_attribute(f".//ds:Reference[@Type='{SIGNED_PROPERTIES_TYPE}']", "URI", "#S0")),
        "reference",
    ),
}


def test_resigning_alone_changes_nothing(sealed: Sealed) -> None:
    """The kit above is sound: without an edit, the re-signed e-document verifies."""
    assert verify_edoc(resigned(lambda _root: None)(sealed), ca_certificate=sealed.ca)


@pytest.mark.parametrize(("tamper", "reason"), RESIGNED_CASES.values(), ids=RESIGNED_CASES.keys())
def test_resigned_tampering_fails(sealed: Sealed, tamper: Tamper, reason: str) -> None:
    with pytest.raises(SignatureInvalid) as caught:
        verify_edoc(tamper(sealed), ca_certificate=sealed.ca)
    assert caught.value.reason == reason, caught.value.detail


# --- signed SOAP answers ----------------------------------------------------------------------


def test_a_signed_answer_verifies(signer: Signer) -> None:
    ca = load_certificate(signer.paths.ca_certificate)
    checks = verify_soap_answer(signer.sign_sample(), ca_certificate=ca)
    assert checks[0].startswith("SOAP answer: payload getExamResultsResponse")
    assert checks[1] == "certificate: issued by VPIS demo CA, valid now"
    assert checks[2].startswith("signature: reference #")


def _fault(_answer: bytes) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
        "<faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()


ANSWER_CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "payload-edited": (lambda a: a.replace(b">72.5<", b">92.5<"), "digest"),
    "fault": (_fault, "fault"),
    "not-an-envelope": (lambda _a: b"<a/>", "structure"),
    "doctype": (lambda a: b"<!DOCTYPE x []>" + a.split(b"?>", 1)[1], "xml"),
    # our own answers are read with wider size limits (gateway verify), but no more trust:
    "processing-instruction": (lambda a: b"<?evil x?>" + a.split(b"?>", 1)[1], "xml"),
    "xinclude": (
        lambda a: re.sub(rb"(</(?:\w+:)?Body>)", b'<xi:include xmlns:xi="http://www.w3.org/'
                         b'2001/XInclude" href="/etc/passwd"/>\\1', a, count=1),
        "xml",
    ),
    "no-signature": (
        lambda a: a.replace(b"<ds:X509Certificate>", b"<ds:X509Cert>").replace(
            b"</ds:X509Certificate>", b"</ds:X509Cert>"
        ),
        "structure",
    ),
}


@pytest.mark.parametrize(("tamper", "reason"), ANSWER_CASES.values(), ids=ANSWER_CASES.keys())
def test_a_tampered_answer_fails(
    rsa_signer: Signer, tamper: Callable[[bytes], bytes], reason: str
) -> None:
    ca = load_certificate(rsa_signer.paths.ca_certificate)
    with pytest.raises(SignatureInvalid) as caught:
        verify_soap_answer(tamper(rsa_signer.sign_sample()), ca_certificate=ca)
    assert caught.value.reason == reason, caught.value.detail


def test_an_answer_signed_under_another_ca_fails(rsa_signer: Signer, sealed: Sealed) -> None:
    foreign_ca = load_certificate(sealed.foreign_paths.ca_certificate)
    with pytest.raises(SignatureInvalid) as caught:
        verify_soap_answer(rsa_signer.sign_sample(), ca_certificate=foreign_ca)
    assert caught.value.reason == "certificate-chain"


# --- verify_file ------------------------------------------------------------------------------


def test_verify_file_dispatches_on_content(sealed: Sealed, signer: Signer, tmp_path: Path) -> None:
    (tmp_path / "a.edoc").write_bytes(sealed.edoc)
    (tmp_path / "answer.xml").write_bytes(signer.sign_sample())
    (tmp_path / "other.bin").write_bytes(b"\x00\x01")
    ca_file = sealed.paths.ca_certificate
    assert verify_file(tmp_path / "a.edoc", ca_file=ca_file)[0].startswith("container:")
    assert verify_file(tmp_path / "answer.xml", ca_file=ca_file)[0].startswith("SOAP answer:")
    with pytest.raises(SignatureInvalid) as caught:
        verify_file(tmp_path / "other.bin", ca_file=ca_file)
    assert caught.value.reason == "format"


def test_verify_file_refuses_a_bad_ca_file(sealed: Sealed, tmp_path: Path) -> None:
    (tmp_path / "a.edoc").write_bytes(sealed.edoc)
    (tmp_path / "ca.pem").write_bytes(b"not a certificate")
    with pytest.raises(ConfigurationError):
        verify_file(tmp_path / "a.edoc", ca_file=tmp_path / "ca.pem")
