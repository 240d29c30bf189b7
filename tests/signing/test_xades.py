"""Our detached XAdES-B-B signer, checked field by field, by signxml and by xmlsec1."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml.exceptions import InvalidDigest, InvalidSignature
from signxml.xades.xades import XAdESVerifier

from gateway.errors import InternalError
from gateway.ns import DS, XADES
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import DemoKeyPaths, SigningKey, ensure_demo_keys, load_eseal_key
from gateway.signing.xades import ASIC, SIGNED_PROPERTIES_TYPE, issuer_serial_v2, sign_detached
from gateway.signing.xmldsig import EXC_C14N, SHA256, SIGNATURE_METHODS

NS = {"asic": ASIC, "ds": DS, "xades": XADES}
FAKE_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
)
SIGNING_TIME = datetime(2024, 7, 11, 5, 0, 7, tzinfo=UTC)


@dataclass(frozen=True)
class Eseal:
    """A demo e-seal key of one algorithm and the files it came from."""

    key: SigningKey
    paths: DemoKeyPaths


@pytest.fixture(scope="session", params=list(SignatureAlgorithm), ids=lambda a: a.value)
def eseal(request: pytest.FixtureRequest, demo_data_dir: Path) -> Eseal:
    """The demo e-seal, once per algorithm."""
    settings = SigningSettings(algorithm=request.param)
    return Eseal(
        load_eseal_key(settings, demo_data_dir), ensure_demo_keys(demo_data_dir, request.param)
    )


def xmlsec1_xades(
    ca_file: Path, signature_file: Path, files: Mapping[str, Path]
) -> subprocess.CompletedProcess[str]:
    """xmlsec1 on a detached XAdES signature: the CA pinned, each container file url-mapped.

    ``--id-attr:Id`` declares the ``Id`` of ``xades:SignedProperties`` (a same-document
    reference); ``--url-map:<name>`` maps a data-file reference to a file on disk (xmlsec1
    matches the percent-decoded URI, i.e. the file name as it is in the container).
    """
    command = [
        "xmlsec1",
        "--verify",
        "--trusted-pem",
        str(ca_file),
        "--id-attr:Id",
        f"{XADES}:SignedProperties",
    ]
    for name, path in files.items():
        command += [f"--url-map:{name}", str(path)]
    return subprocess.run(
        [*command, str(signature_file)], capture_output=True, text=True, check=False, timeout=30
    )


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def test_structure_is_the_b_b_profile(eseal: Eseal) -> None:
    root = parse(
        sign_detached(
            [("certificate.pdf", FAKE_PDF, "application/pdf")], eseal.key, signing_time=SIGNING_TIME
        )
    )
    assert root.tag == f"{{{ASIC}}}XAdESSignatures"
    (signature,) = root
    assert signature.get("Id") == "S0"
    assert signature.findtext("ds:SignatureValue", namespaces=NS)
    assert signature.find("ds:SignatureValue", NS).get("Id") == "S0-SIG"  # type: ignore[union-attr]
    info = signature.find("ds:SignedInfo", NS)
    assert info is not None
    assert info.find("ds:CanonicalizationMethod", NS).get("Algorithm") == EXC_C14N  # type: ignore[union-attr]
    method = info.find("ds:SignatureMethod", NS).get("Algorithm")  # type: ignore[union-attr]
    assert method == SIGNATURE_METHODS[eseal.key.algorithm]

    data_ref, props_ref = info.findall("ds:Reference", NS)
    assert (data_ref.get("URI"), data_ref.get("Id"), data_ref.get("Type")) == (
        "certificate.pdf",
        "S0-RefId0",
        None,
    )
    assert data_ref.find("ds:Transforms", NS) is None
    assert data_ref.find("ds:DigestMethod", NS).get("Algorithm") == SHA256  # type: ignore[union-attr]
    expected = base64.b64encode(hashlib.sha256(FAKE_PDF).digest()).decode()
    assert data_ref.findtext("ds:DigestValue", namespaces=NS) == expected
    assert props_ref.get("Type") == SIGNED_PROPERTIES_TYPE
    assert props_ref.get("URI") == "#S0-SignedProperties"
    transforms = props_ref.findall("ds:Transforms/ds:Transform", NS)
    assert [t.get("Algorithm") for t in transforms] == [EXC_C14N]

    qualifying = signature.find("ds:Object/xades:QualifyingProperties", NS)
    assert qualifying is not None and qualifying.get("Target") == "#S0"
    props = qualifying.find("xades:SignedProperties", NS)
    assert props is not None and props.get("Id") == "S0-SignedProperties"
    assert props.findtext(".//xades:SigningTime", namespaces=NS) == "2024-07-11T05:00:07Z"
    cert = props.find(".//xades:SigningCertificateV2/xades:Cert", NS)
    assert cert is not None
    assert cert.find("xades:CertDigest/ds:DigestMethod", NS).get("Algorithm") == SHA256  # type: ignore[union-attr]
    cert_digest = hashlib.sha256(eseal.key.certificate_der).digest()
    assert (
        cert.findtext("xades:CertDigest/ds:DigestValue", namespaces=NS)
        == base64.b64encode(cert_digest).decode()
    )
    data_format = props.find(".//xades:SignedDataObjectProperties/xades:DataObjectFormat", NS)
    assert data_format is not None and data_format.get("ObjectReference") == "#S0-RefId0"
    assert data_format.findtext("xades:MimeType", namespaces=NS) == "application/pdf"
    certificates = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    assert [c.text for c in certificates] == [eseal.key.certificate_b64]


def test_issuer_serial_v2_is_the_der_of_rfc_5035_issuer_serial(
    eseal: Eseal, tmp_path: Path
) -> None:
    der = tmp_path / "issuer-serial.der"
    der.write_bytes(issuer_serial_v2(eseal.key.certificate))
    parsed = subprocess.run(
        ["openssl", "asn1parse", "-inform", "DER", "-in", str(der)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    structure = [line.partition("cons:")[2].strip() for line in parsed.splitlines()[:4]]
    assert structure == ["SEQUENCE", "SEQUENCE", "cont [ 4 ]", "SEQUENCE"]  # [4] explicit Name
    assert "commonName" in parsed and "VPIS demo CA" in parsed
    serial = re.search(r"prim: INTEGER\s*:([0-9A-F]+)", parsed)
    assert serial is not None and int(serial[1], 16) == eseal.key.certificate.serial_number


def test_names_are_percent_encoded_and_every_file_is_described(eseal: Eseal) -> None:
    files = [
        ("Atestāts 2024.pdf", FAKE_PDF, "application/pdf"),
        ("dir/notes.txt", b"hi", "text/plain"),
    ]
    root = parse(sign_detached(files, eseal.key, signing_time=SIGNING_TIME))
    refs = root.findall(".//ds:SignedInfo/ds:Reference", NS)
    assert [r.get("URI") for r in refs] == [
        "Atest%C4%81ts%202024.pdf",
        "dir/notes.txt",
        "#S0-SignedProperties",
    ]
    formats = root.findall(".//xades:DataObjectFormat", NS)
    assert [
        (f.get("ObjectReference"), f.findtext("xades:MimeType", namespaces=NS)) for f in formats
    ] == [
        ("#S0-RefId0", "application/pdf"),
        ("#S0-RefId1", "text/plain"),
    ]


@pytest.mark.parametrize(
    ("files", "signing_time"),
    [
        ([], SIGNING_TIME),
        ([("a.pdf", FAKE_PDF, "application/pdf")], datetime(2024, 7, 11, 5, 0)),  # naive
    ],
    ids=["nothing-to-sign", "naive-signing-time"],
)
def test_refuses_bad_input(
    eseal: Eseal, files: list[tuple[str, bytes, str]], signing_time: datetime
) -> None:
    with pytest.raises(InternalError):
        sign_detached(files, eseal.key, signing_time=signing_time)


def test_signxml_xades_verifier_accepts_it(eseal: Eseal) -> None:
    signature = sign_detached(
        [("Atestāts 2024.pdf", FAKE_PDF, "application/pdf")],
        eseal.key,
        signing_time=datetime.now(UTC),
    )
    resolved: list[str] = []

    def resolve(uri: str) -> bytes:
        resolved.append(uri)
        return FAKE_PDF

    pem = eseal.key.certificate.public_bytes(serialization.Encoding.PEM).decode()
    results = XAdESVerifier().verify(
        signature, x509_cert=pem, uri_resolver=resolve, expect_references=2
    )
    assert resolved == ["Atest%C4%81ts%202024.pdf"]
    assert results[0].signed_data == FAKE_PDF
    signed_properties = results[1].signed_xml
    assert signed_properties is not None
    assert signed_properties.tag == f"{{{XADES}}}SignedProperties"


@pytest.mark.parametrize(
    ("what", "error"),
    [
        ("pdf", InvalidDigest),
        ("signing-time", InvalidDigest),
        ("signature-value", InvalidSignature),
    ],
)
def test_signxml_refuses_tampering(eseal: Eseal, what: str, error: type[Exception]) -> None:
    root = parse(
        sign_detached(
            [("a.pdf", FAKE_PDF, "application/pdf")], eseal.key, signing_time=datetime.now(UTC)
        )
    )
    pdf = FAKE_PDF
    if what == "pdf":
        pdf = FAKE_PDF.replace(b"Catalog", b"Catalot")
    elif what == "signing-time":
        root.find(".//xades:SigningTime", NS).text = "2020-01-01T00:00:00Z"  # type: ignore[union-attr]
    else:
        value = root.find(".//ds:SignatureValue", NS)
        assert value is not None and value.text
        raw = bytearray(base64.b64decode(value.text))
        raw[5] ^= 1
        value.text = base64.b64encode(bytes(raw)).decode()
    pem = eseal.key.certificate.public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises(error):
        XAdESVerifier().verify(
            etree.tostring(root), x509_cert=pem, uri_resolver=lambda _uri: pdf, expect_references=2
        )


@pytest.mark.parametrize("name", ["certificate.pdf", "Atestāts 2024.pdf"])
def test_xmlsec1_accepts_the_xmldsig_core(
    eseal: Eseal, xmlsec1: str, tmp_path: Path, name: str
) -> None:
    signature = tmp_path / "signatures0.xml"
    signature.write_bytes(
        sign_detached(
            [(name, FAKE_PDF, "application/pdf")], eseal.key, signing_time=datetime.now(UTC)
        )
    )
    pdf = tmp_path / "extracted.pdf"
    pdf.write_bytes(FAKE_PDF)
    result = xmlsec1_xades(eseal.paths.ca_certificate, signature, {name: pdf})
    assert result.returncode == 0, result.stderr
    assert "SignedInfo References (ok/all): 2/2" in result.stderr + result.stdout


def test_xmlsec1_refuses_a_changed_pdf_and_changed_properties(
    eseal: Eseal, xmlsec1: str, tmp_path: Path
) -> None:
    data = sign_detached(
        [("a.pdf", FAKE_PDF, "application/pdf")], eseal.key, signing_time=datetime.now(UTC)
    )
    signature, pdf, changed = (
        tmp_path / "signatures0.xml",
        tmp_path / "a.pdf",
        tmp_path / "changed.pdf",
    )
    signature.write_bytes(data)
    pdf.write_bytes(FAKE_PDF)
    changed.write_bytes(FAKE_PDF.replace(b"Catalog", b"Catalot"))
    assert xmlsec1_xades(eseal.paths.ca_certificate, signature, {"a.pdf": changed}).returncode != 0
    signature.write_bytes(data.replace(b"<xades:SigningTime>2", b"<xades:SigningTime>1"))
    assert xmlsec1_xades(eseal.paths.ca_certificate, signature, {"a.pdf": pdf}).returncode != 0
