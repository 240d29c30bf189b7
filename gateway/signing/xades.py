"""A detached XAdES-B-B signature over files of an ASiC-E container (ETSI EN 319 132-1).

The profile, and nothing else: one ``ds:Signature Id="S0"`` in an ``asic:XAdESSignatures``
root (ETSI EN 319 162-1 §A.5), exclusive C14N 1.0, SHA-256, RSA-SHA256 or ECDSA-SHA256
(XMLDSig 1.1 §6; RFC 6931 §2.3). Each file gets a ``ds:Reference`` whose ``URI`` is its
percent-encoded name (RFC 3986 §2.1) and whose digest is taken over its raw bytes, with no
transforms (XMLDSig 1.1 §4.4.3.1). The qualifying properties of baseline B-B
(EN 319 132-1 §6.3, §5.2): ``SigningTime`` (§5.2.1), ``SigningCertificateV2`` (§5.2.2) and
one ``DataObjectFormat`` with ``MimeType`` per file (§5.2.4), signed through a second
reference of type ``SignedProperties`` (§4.4.1).

signxml's signer only digests XML, so this builds the signature itself, like
:mod:`gateway.signing.xmldsig`; signxml's ``XAdESVerifier`` and xmlsec1 verify it in the tests.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from gateway.errors import InternalError
from gateway.ns import DS, XADES
from gateway.signing.keys import SigningKey
from gateway.signing.xmldsig import EXC_C14N, SHA256, SIGNATURE_METHODS, exc_c14n, signature_value

__all__ = [
    "ASIC",
    "SIGNATURE_ID",
    "SIGNED_PROPERTIES_ID",
    "SIGNED_PROPERTIES_TYPE",
    "issuer_serial_v2",
    "reference_uri",
    "sign_detached",
]

ASIC = "http://uri.etsi.org/02918/v1.2.1#"
"""Namespace of ``asic:XAdESSignatures`` (ETSI EN 319 162-1 §A.5)."""
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
"""``Type`` of the reference to the signed properties (EN 319 132-1 §4.4.1)."""
SIGNATURE_ID = "S0"
SIGNED_PROPERTIES_ID = f"{SIGNATURE_ID}-SignedProperties"

_NSMAP = {"asic": ASIC, "ds": DS, "xades": XADES}


def _ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def _xades(local: str) -> str:
    return f"{{{XADES}}}{local}"


def reference_uri(name: str) -> str:
    """The ``URI`` of a container file: its name percent-encoded as UTF-8 (RFC 3986 §2.1)."""
    return quote(name, safe="/")


def sign_detached(
    files: Sequence[tuple[str, bytes, str]], key: SigningKey, *, signing_time: datetime
) -> bytes:
    """Sign ``files`` (name in the container, raw bytes, MIME type); the signature document.

    Returns ``META-INF/signatures0.xml`` as UTF-8 bytes. ``signing_time`` must be
    timezone-aware; it is written in UTC to the second. The digest of the signed properties
    and then the signature value are computed over the exclusive C14N of the elements as they
    sit in the final tree (XMLDSig 1.1 §3.1.1–3.1.2).
    """
    if not files:
        raise InternalError("nothing to sign")
    if signing_time.tzinfo is None:
        raise InternalError("the signing time must be timezone-aware")

    root = etree.Element(f"{{{ASIC}}}XAdESSignatures", nsmap=_NSMAP)
    signature = etree.SubElement(root, _ds("Signature"), Id=SIGNATURE_ID)
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(
        signed_info, _ds("SignatureMethod"), Algorithm=SIGNATURE_METHODS[key.algorithm]
    )
    formats: list[tuple[str, str]] = []
    for index, (name, data, mime_type) in enumerate(files):
        ref_id = f"{SIGNATURE_ID}-RefId{index}"
        reference = etree.SubElement(
            signed_info, _ds("Reference"), Id=ref_id, URI=reference_uri(name)
        )
        _digest(reference, hashlib.sha256(data).digest())
        formats.append((ref_id, mime_type))
    props_reference = etree.SubElement(
        signed_info, _ds("Reference"), Type=SIGNED_PROPERTIES_TYPE, URI=f"#{SIGNED_PROPERTIES_ID}"
    )
    transforms = etree.SubElement(props_reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=EXC_C14N)

    value = etree.SubElement(signature, _ds("SignatureValue"), Id=f"{SIGNATURE_ID}-SIG")
    x509_data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    for cert in (key.certificate, *key.chain):
        etree.SubElement(x509_data, _ds("X509Certificate")).text = _b64(_der(cert))

    signed_properties = _signed_properties(signature, key, signing_time, formats)
    _digest(props_reference, hashlib.sha256(exc_c14n(signed_properties)).digest())
    value.text = _b64(signature_value(key, exc_c14n(signed_info)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def issuer_serial_v2(certificate: x509.Certificate) -> bytes:
    """DER of ``IssuerSerial`` (RFC 5035 §4; EN 319 132-1 §5.2.2) for ``certificate``.

    ``IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }``, the issuer
    as one ``directoryName`` (``[4]``, explicit because ``Name`` is a CHOICE; RFC 5280 §4.2.1.6).
    """
    issuer = certificate.issuer.public_bytes()
    general_names = _tlv(0x30, _tlv(0xA4, issuer))
    serial = certificate.serial_number
    serial_der = _tlv(0x02, serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True))
    return _tlv(0x30, general_names + serial_der)


def _signed_properties(
    signature: etree._Element,
    key: SigningKey,
    signing_time: datetime,
    formats: list[tuple[str, str]],
) -> etree._Element:
    """``ds:Object/xades:QualifyingProperties`` (EN 319 132-1 §4.3) with the B-B properties."""
    qualifying = etree.SubElement(
        etree.SubElement(signature, _ds("Object")),
        _xades("QualifyingProperties"),
        Target=f"#{SIGNATURE_ID}",
    )
    signed = etree.SubElement(qualifying, _xades("SignedProperties"), Id=SIGNED_PROPERTIES_ID)
    signature_props = etree.SubElement(signed, _xades("SignedSignatureProperties"))
    etree.SubElement(signature_props, _xades("SigningTime")).text = signing_time.astimezone(
        UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    cert = etree.SubElement(
        etree.SubElement(signature_props, _xades("SigningCertificateV2")), _xades("Cert")
    )
    _digest(
        etree.SubElement(cert, _xades("CertDigest")), hashlib.sha256(key.certificate_der).digest()
    )
    etree.SubElement(cert, _xades("IssuerSerialV2")).text = _b64(issuer_serial_v2(key.certificate))
    object_props = etree.SubElement(signed, _xades("SignedDataObjectProperties"))
    for ref_id, mime_type in formats:
        data_format = etree.SubElement(
            object_props, _xades("DataObjectFormat"), ObjectReference=f"#{ref_id}"
        )
        etree.SubElement(data_format, _xades("MimeType")).text = mime_type
    return signed


def _digest(parent: etree._Element, digest: bytes) -> None:
    etree.SubElement(parent, _ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(parent, _ds("DigestValue")).text = _b64(digest)


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER type-length-value (X.690 §8.1; definite length, §10.1)."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
