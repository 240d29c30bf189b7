"""A verifier of the detached XAdES-B-B profile that :mod:`gateway.signing.xades` makes.

It accepts one ``ds:Signature`` in an ``asic:XAdESSignatures`` document (ETSI EN 319 162-1
§A.5) and checks, failing at the first problem: the structure and the algorithms (exc-C14N,
SHA-256, RSA-SHA256/ECDSA-SHA256 only); that every data file is referenced exactly once,
without transforms, and every other reference is the one to the signed properties
(EN 319 132-1 §4.4.1); ``SigningCertificateV2`` against the certificate in ``ds:KeyInfo``
(§5.2.2) and ``SigningTime`` (§5.2.1); then, by signxml's XAdES verifier
(:mod:`gateway.signing.pinned`), the data digests (XMLDSig 1.1 §3.2.1), the signed properties'
digest and the signature value (§3.2.2); ``DataObjectFormat`` per data file (§5.2.4); last, the
path from the certificate through the intermediates in ``ds:KeyInfo`` to a pinned root, valid
at the signing time (:mod:`gateway.signing.trust`). IDs must be unique (against wrapping,
XMLDSig 1.1 §8.1.3); the signed properties are found by position, not by a search for the ID.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from gateway.errors import SignatureInvalid
from gateway.ns import DS, XADES
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.pinned import verify_detached
from gateway.signing.trust import check_path, common_name
from gateway.signing.xades import ASIC, SIGNED_PROPERTIES_TYPE, issuer_serial_v2
from gateway.signing.xades_lt_verify import verify_long_term
from gateway.signing.xmldsig import EXC_C14N, SHA256, SIGNATURE_METHODS, b64decode_strict
from gateway.xmlsafe import UnsafeXML, parse_message

__all__ = ["MAX_SIGNATURE_BYTES", "VerifiedSignature", "verify_xades"]

MAX_SIGNATURE_BYTES = 1024 * 1024
_CLOCK_SKEW = timedelta(minutes=5)
_ID_NAMES = frozenset({"Id", "ID", "id"})


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a verified XAdES signature says, and the checks that passed."""

    checks: list[str]
    signing_time: datetime
    certificate: x509.Certificate
    """The signing certificate; ``chain`` is its path to the pinned root."""
    chain: list[x509.Certificate]
    mime_types: dict[str, str]
    """The signed MIME type (``DataObjectFormat``) of each data file, by name."""
    level: str = "B-B"
    """The baseline level verified: ``B-B``, ``B-LT`` or ``B-LTA`` (RULES §6)."""


def verify_xades(
    signature_xml: bytes,
    data_files: Mapping[str, bytes],
    *,
    ca_certificate: x509.Certificate | Sequence[x509.Certificate],
    now: datetime | None = None,
) -> VerifiedSignature:
    """Verify ``signature_xml`` over ``data_files`` (name → bytes) against the pinned root(s)
    ``ca_certificate``; raise SignatureInvalid."""
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

    file_refs = _sort_references(references, data_files, signed_props.get("Id"))
    b64decode_strict(value.text, "signature-value")
    certificate, intermediates = _key_info_certificates(key_info)
    signing_time = _signing_certificate_and_time(signature_props, certificate)
    verify_detached(root, data_files, certificate, [algorithm],
                    signed_properties_uri=f"#{signed_props.get('Id')}",
                    verification_time=_within_validity(certificate, now))
    checks = [f"references: {len(file_refs)} data file(s) and the signed properties, SHA-256"]
    checks += [f"data file {name}: SHA-256 matches reference" for name in file_refs]
    checks.append("signed properties: digest matches")
    checks.append("signing certificate digest (SigningCertificateV2) matches")
    checks.append(f"signature value: valid ({algorithm.value.upper()})")
    mime_types = _data_object_formats(object_props, file_refs)
    checks.append("data object formats: " + ", ".join(sorted(set(mime_types.values()))))
    anchors = (ca_certificate,) if isinstance(ca_certificate, x509.Certificate) else ca_certificate
    clock = now or datetime.now(UTC)
    long_term = verify_long_term(signature, data_files, certificate, intermediates, anchors,
                                 clock)
    if long_term is None:
        chain, line = _check_certificate(certificate, intermediates, anchors, signing_time, now)
        checks.append(line)
        checks.append("level: XAdES-B-B (no time-stamp: valid only while the certificate is)")
        return VerifiedSignature(checks, signing_time, certificate, chain, mime_types)
    if signing_time > long_term.proof_time + _CLOCK_SKEW:
        raise SignatureInvalid("the signing time is after the signature time-stamp",
                               reason="signing-time")
    chain, line = _check_certificate(certificate, intermediates, anchors, long_term.proof_time,
                                     clock, at="the signature time-stamp's time")
    checks.append(line)
    checks += long_term.checks
    return VerifiedSignature(checks, signing_time, certificate, chain, mime_types,
                             long_term.level)


def _sort_references(
    references: list[etree._Element], data_files: Mapping[str, bytes], props_id: str | None
) -> dict[str, str | None]:
    """The Id of each data file's reference, by file name; the profile of every reference."""
    files: dict[str, str | None] = {}
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
        _digest(digest_method, digest_value)
        files[name] = reference.get("Id")
    if len(props) != 1:
        raise SignatureInvalid(
            "expected one reference to the signed properties", reason="reference"
        )
    unsigned = sorted(data_files.keys() - files.keys())
    if unsigned:
        raise SignatureInvalid(
            f"data files not signed: {', '.join(unsigned)}", reason="unsigned-file"
        )
    return files


def _key_info_certificates(
    key_info: etree._Element,
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The signing certificate (first in ``ds:X509Data``) and the intermediates after it."""
    (x509_data,) = _children(key_info, _ds("X509Data"))
    elements = _children(x509_data, rest=_ds("X509Certificate"))
    if not elements:
        raise SignatureInvalid("KeyInfo holds no certificate", reason="structure")
    try:
        certs = [x509.load_der_x509_certificate(b64decode_strict(e.text, "certificate"))
                 for e in elements]
    except ValueError:
        raise SignatureInvalid(
            "the certificate in KeyInfo is malformed", reason="certificate"
        ) from None
    return certs[0], certs[1:]


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
    props: etree._Element, file_refs: Mapping[str, str | None]
) -> dict[str, str]:
    formats: dict[str, list[str]] = {}
    for element in _children(props, rest=_xades("DataObjectFormat")):
        mime = element.find(_xades("MimeType"))
        formats.setdefault(element.get("ObjectReference") or "", []).append(
            (mime.text or "").strip() if mime is not None else ""
        )
    mime_types: dict[str, str] = {}
    for name, ref_id in file_refs.items():
        found = formats.get(f"#{ref_id}", []) if ref_id else []
        if len(found) != 1 or not found[0]:
            raise SignatureInvalid(
                f"data file {name}: no DataObjectFormat/MimeType", reason="data-object-format"
            )
        mime_types[name] = found[0]
    return mime_types


def _check_certificate(
    cert: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    signing_time: datetime,
    now: datetime | None,
    at: str = "the signing time",
) -> tuple[list[x509.Certificate], str]:
    if signing_time > (now or datetime.now(UTC)) + _CLOCK_SKEW:
        raise SignatureInvalid("the signing time is in the future", reason="signing-time")
    chain = check_path(cert, intermediates, anchors, signing_time)
    when = f"{signing_time:%Y-%m-%dT%H:%M:%SZ}"
    via = "".join(f" via {common_name(c)}" for c in chain[1:-1])
    issuer = common_name(chain[-1])
    return chain, f"certificate: issued by {issuer}{via}, valid at {at} {when}"


def _within_validity(cert: x509.Certificate, now: datetime | None) -> datetime:
    """A time at which signxml finds ``cert`` valid: ``now``, or the nearest end of its
    validity. Whether it was valid when it mattered (at the signing time, or at the signature
    time-stamp's for a long-term seal) is :func:`check_path`'s judgement, with its reasons."""
    at = now or datetime.now(UTC)
    return min(max(at, cert.not_valid_before_utc), cert.not_valid_after_utc)


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


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def _ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def _xades(local: str) -> str:
    return f"{{{XADES}}}{local}"
