"""A strict verifier of the detached XAdES-B-B profile that :mod:`gateway.signing.xades` makes.

It accepts one ``ds:Signature`` in an ``asic:XAdESSignatures`` document (ETSI EN 319 162-1
§A.5) and checks, in this order, failing at the first problem: the structure and the
algorithms (exc-C14N, SHA-256, RSA-SHA256/ECDSA-SHA256 only); that every data file is
referenced exactly once, without transforms, and every other reference is the one to the
signed properties (EN 319 132-1 §4.4.1); the data digests (XMLDSig 1.1 §3.2.1); the digest of
the signed properties; ``SigningCertificateV2`` against the certificate in ``ds:KeyInfo``
(EN 319 132-1 §5.2.2); the signature value over the exc-C14N ``ds:SignedInfo`` (XMLDSig 1.1
§3.2.2); ``DataObjectFormat`` per data file (§5.2.4); the certificate's issuance by the pinned
CA and its validity at the signing time (§5.2.1). IDs must be unique (against wrapping, XMLDSig
1.1 §8.1.3); the signed properties are found by position, not by a search for the ID.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from gateway.errors import SignatureInvalid
from gateway.ns import DS, XADES
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.xades import ASIC, SIGNED_PROPERTIES_TYPE, issuer_serial_v2
from gateway.signing.xmldsig import (
    EXC_C14N,
    SHA256,
    SIGNATURE_METHODS,
    b64decode_strict,
    exc_c14n,
    signature_ok,
)
from gateway.xmlsafe import UnsafeXML, parse_message

__all__ = ["MAX_SIGNATURE_BYTES", "VerifiedSignature", "common_name", "verify_xades"]

MAX_SIGNATURE_BYTES = 1024 * 1024
_CLOCK_SKEW = timedelta(minutes=5)
_ID_NAMES = frozenset({"Id", "ID", "id"})


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a verified XAdES signature says, and the checks that passed."""

    checks: list[str]
    signing_time: datetime
    certificate: x509.Certificate
    mime_types: dict[str, str]
    """The signed MIME type (``DataObjectFormat``) of each data file, by name."""


def verify_xades(
    signature_xml: bytes,
    data_files: Mapping[str, bytes],
    *,
    ca_certificate: x509.Certificate,
    now: datetime | None = None,
) -> VerifiedSignature:
    """Verify ``signature_xml`` over ``data_files`` (name → bytes); raise SignatureInvalid."""
    try:
        root = parse_message(signature_xml, max_bytes=MAX_SIGNATURE_BYTES)
    except UnsafeXML as exc:
        raise SignatureInvalid(f"signature document refused: {exc}", reason="xml") from None
    if root.tag != f"{{{ASIC}}}XAdESSignatures":
        raise SignatureInvalid("the root is not asic:XAdESSignatures", reason="structure")
    _unique_ids(root)
    (signature,) = _children(root, _ds("Signature"))
    signed_info, value, key_info, ds_object = _children(
        signature, _ds("SignedInfo"), _ds("SignatureValue"), _ds("KeyInfo"), _ds("Object")
    )
    c14n, method, *references = _children(
        signed_info, _ds("CanonicalizationMethod"), _ds("SignatureMethod"), rest=_ds("Reference")
    )
    _children(c14n)
    _children(method)
    if c14n.get("Algorithm") != EXC_C14N:
        raise SignatureInvalid("SignedInfo is not canonicalised with exc-C14N", reason="algorithm")
    algorithm = _signature_algorithm(method.get("Algorithm"))
    (qualifying,) = _children(ds_object, _xades("QualifyingProperties"))
    if signature.get("Id") is None or qualifying.get("Target") != f"#{signature.get('Id')}":
        raise SignatureInvalid(
            "QualifyingProperties do not target the signature", reason="structure"
        )
    signed_props, *_unsigned = _children(
        qualifying, _xades("SignedProperties"), rest=_xades("UnsignedProperties")
    )
    signature_props, object_props = _children(
        signed_props, _xades("SignedSignatureProperties"), _xades("SignedDataObjectProperties")
    )

    file_refs, props_digest = _sort_references(references, data_files, signed_props.get("Id"))
    checks = [f"references: {len(file_refs)} data file(s) and the signed properties, SHA-256"]
    for name, (_ref_id, digest) in file_refs.items():
        if not hmac.compare_digest(hashlib.sha256(data_files[name]).digest(), digest):
            raise SignatureInvalid(f"data file {name}: digest does not match", reason="digest")
        checks.append(f"data file {name}: SHA-256 matches reference")
    if not hmac.compare_digest(hashlib.sha256(exc_c14n(signed_props)).digest(), props_digest):
        raise SignatureInvalid(
            "the signed properties' digest does not match", reason="signed-properties-digest"
        )
    checks.append("signed properties: digest matches")

    certificate = _key_info_certificate(key_info)
    signing_time = _signing_certificate_and_time(signature_props, certificate)
    checks.append("signing certificate digest (SigningCertificateV2) matches")
    raw = b64decode_strict(value.text, "signature-value")
    if not signature_ok(certificate.public_key(), algorithm, exc_c14n(signed_info), raw):
        raise SignatureInvalid("the signature value does not verify", reason="signature-value")
    checks.append(f"signature value: valid ({algorithm.value.upper()})")
    mime_types = _data_object_formats(object_props, file_refs)
    checks.append("data object formats: " + ", ".join(sorted(set(mime_types.values()))))
    checks.append(_check_certificate(certificate, ca_certificate, signing_time, now))
    return VerifiedSignature(checks, signing_time, certificate, mime_types)


def _sort_references(
    references: list[etree._Element], data_files: Mapping[str, bytes], props_id: str | None
) -> tuple[dict[str, tuple[str | None, bytes]], bytes]:
    """Data-file references by file name (Id, digest), and the signed properties' digest."""
    files: dict[str, tuple[str | None, bytes]] = {}
    props: list[bytes] = []
    for reference in references:
        if reference.get("Type") == SIGNED_PROPERTIES_TYPE:
            transforms, digest_method, digest_value = _children(
                reference, _ds("Transforms"), _ds("DigestMethod"), _ds("DigestValue")
            )
            (transform,) = _children(transforms, _ds("Transform"))
            _children(transform)
            if transform.get("Algorithm") != EXC_C14N:
                raise SignatureInvalid(
                    "the signed properties' transform is not exc-C14N", reason="algorithm"
                )
            if props_id is None or reference.get("URI") != f"#{props_id}":
                raise SignatureInvalid(
                    "the reference misses the signed properties", reason="reference"
                )
            props.append(_digest(digest_method, digest_value))
            continue
        if reference.get("Type") is not None:
            raise SignatureInvalid("a reference of an unexpected Type", reason="reference")
        digest_method, digest_value = _children(reference, _ds("DigestMethod"), _ds("DigestValue"))
        uri = reference.get("URI") or ""
        try:
            name = unquote(uri, errors="strict")
        except UnicodeDecodeError:
            name = ""
        if uri.startswith(("#", "/")) or name not in data_files or name in files:
            raise SignatureInvalid(
                f"reference {uri!r} does not name one data file of the container",
                reason="reference",
            )
        files[name] = (reference.get("Id"), _digest(digest_method, digest_value))
    if len(props) != 1:
        raise SignatureInvalid(
            "expected one reference to the signed properties", reason="reference"
        )
    unsigned = sorted(data_files.keys() - files.keys())
    if unsigned:
        raise SignatureInvalid(
            f"data files not signed: {', '.join(unsigned)}", reason="unsigned-file"
        )
    return files, props[0]


def _key_info_certificate(key_info: etree._Element) -> x509.Certificate:
    (x509_data,) = _children(key_info, _ds("X509Data"))
    certs = _children(x509_data, rest=_ds("X509Certificate"))
    if not certs:
        raise SignatureInvalid("KeyInfo holds no certificate", reason="structure")
    try:
        return x509.load_der_x509_certificate(b64decode_strict(certs[0].text, "certificate"))
    except ValueError:
        raise SignatureInvalid(
            "the certificate in KeyInfo is malformed", reason="certificate"
        ) from None


def _signing_certificate_and_time(props: etree._Element, certificate: x509.Certificate) -> datetime:
    """Check ``SigningCertificateV2`` (§5.2.2); return ``SigningTime`` (§5.2.1)."""
    children = _children(props, rest=None)
    found = {etree.QName(c).localname: c for c in children}
    names = [etree.QName(c).localname for c in children]
    if "SigningCertificate" in found or any(
        names.count(n) != 1 for n in ("SigningTime", "SigningCertificateV2")
    ):
        raise SignatureInvalid(
            "expected one SigningTime and one SigningCertificateV2", reason="structure"
        )
    first, *_others = _children(found["SigningCertificateV2"], _xades("Cert"), rest=_xades("Cert"))
    cert_digest, *serial = _children(first, _xades("CertDigest"), rest=_xades("IssuerSerialV2"))
    digest = _digest(*_children(cert_digest, _ds("DigestMethod"), _ds("DigestValue")))
    if not hmac.compare_digest(digest, hashlib.sha256(_der(certificate)).digest()):
        raise SignatureInvalid(
            "SigningCertificateV2 names another certificate", reason="signing-certificate"
        )
    if serial and b64decode_strict(serial[0].text, "IssuerSerialV2") != issuer_serial_v2(
        certificate
    ):
        raise SignatureInvalid(
            "IssuerSerialV2 names another certificate", reason="signing-certificate"
        )
    try:
        when = datetime.fromisoformat((found["SigningTime"].text or "").strip())
    except ValueError:
        raise SignatureInvalid(
            "SigningTime is not a date and time", reason="signing-time"
        ) from None
    if when.tzinfo is None:
        raise SignatureInvalid("SigningTime has no time zone", reason="signing-time")
    return when.astimezone(UTC)


def _data_object_formats(
    props: etree._Element, file_refs: Mapping[str, tuple[str | None, bytes]]
) -> dict[str, str]:
    formats: dict[str, list[str]] = {}
    for element in _children(props, rest=_xades("DataObjectFormat")):
        mime = element.find(_xades("MimeType"))
        formats.setdefault(element.get("ObjectReference") or "", []).append(
            (mime.text or "").strip() if mime is not None else ""
        )
    mime_types: dict[str, str] = {}
    for name, (ref_id, _digest_value) in file_refs.items():
        found = formats.get(f"#{ref_id}", []) if ref_id else []
        if len(found) != 1 or not found[0]:
            raise SignatureInvalid(
                f"data file {name}: no DataObjectFormat/MimeType", reason="data-object-format"
            )
        mime_types[name] = found[0]
    return mime_types


def _check_certificate(
    cert: x509.Certificate, ca: x509.Certificate, signing_time: datetime, now: datetime | None
) -> str:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise SignatureInvalid(
            "the certificate is not issued by the given CA", reason="certificate-chain"
        ) from None
    if signing_time > (now or datetime.now(UTC)) + _CLOCK_SKEW:
        raise SignatureInvalid("the signing time is in the future", reason="signing-time")
    for each in (cert, ca):
        if not each.not_valid_before_utc <= signing_time <= each.not_valid_after_utc:
            raise SignatureInvalid(
                "a certificate was not valid at the signing time", reason="certificate-validity"
            )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise SignatureInvalid("the certificate may not sign", reason="certificate-usage")
    at = f"{signing_time:%Y-%m-%dT%H:%M:%SZ}"
    return f"certificate: issued by {common_name(ca)}, valid at the signing time {at}"


def _signature_algorithm(uri: str | None) -> SignatureAlgorithm:
    for algorithm, method_uri in SIGNATURE_METHODS.items():
        if uri == method_uri:
            return algorithm
    raise SignatureInvalid("the signature algorithm is not allowed", reason="algorithm")


def _digest(method: etree._Element, value: etree._Element) -> bytes:
    _children(method)
    if method.get("Algorithm") != SHA256:
        raise SignatureInvalid("a digest algorithm other than SHA-256", reason="algorithm")
    return b64decode_strict(value.text, "digest")


def _children(parent: etree._Element, *tags: str, rest: str | None = "") -> list[etree._Element]:
    """The element children of ``parent``: exactly ``tags``, then any number of ``rest``.

    ``rest=""`` allows nothing further; ``rest=None`` allows anything further.
    """
    children = [c for c in parent if isinstance(c.tag, str)]
    head, tail = children[: len(tags)], children[len(tags) :]
    if [c.tag for c in head] != list(tags) or (
        rest is not None and any(c.tag != rest for c in tail)
    ):
        name = etree.QName(parent).localname
        raise SignatureInvalid(f"unexpected content in {name}", reason="structure")
    return children


def _unique_ids(root: etree._Element) -> None:
    seen: set[str] = set()
    for node in root.iter():
        for name, value in node.attrib.items():
            if str(name).rpartition("}")[2] in _ID_NAMES:
                if str(value) in seen:
                    raise SignatureInvalid("the document repeats an Id", reason="duplicate-id")
                seen.add(str(value))


def common_name(cert: x509.Certificate) -> str:
    """The CN of ``cert``'s subject, else the whole subject (RFC 4514)."""
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def _ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def _xades(local: str) -> str:
    return f"{{{XADES}}}{local}"
