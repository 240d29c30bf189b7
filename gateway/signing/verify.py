"""``gateway verify``: check an ``.edoc`` or a signed SOAP answer against a pinned CA.

Each function returns the checks that passed, in the order they ran, and raises
:class:`~gateway.errors.SignatureInvalid` (``reason`` names the check) at the first failure.
An ``.edoc`` is checked as an ASiC-E container (ETSI EN 319 162-1 §4.4, Annex A), its manifest
(§A.4) and its XAdES-B-B signature (EN 319 132-1; :mod:`gateway.signing.xades_verify`). A SOAP
answer is checked as RULES §6 signs it: an enveloped XMLDSig 1.1 signature on the Body's
payload (:func:`gateway.signing.xmldsig.verify_enveloped`), by a certificate the CA issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from lxml import etree

from gateway.errors import SignatureInvalid
from gateway.ns import DS, SOAP11_ENV
from gateway.signing.asice import ASICE_MIMETYPE, MANIFEST_NS, read_container
from gateway.signing.trust import check_path, common_name, load_anchors
from gateway.signing.xades_verify import verify_xades
from gateway.signing.xmldsig import b64decode_strict, verify_enveloped
from gateway.xmlsafe import ANSWER_LIMITS, UnsafeXML, parse_message

__all__ = ["verify_edoc", "verify_file", "verify_soap_answer"]

MAX_MANIFEST_BYTES = 64 * 1024
MAX_ANSWER_BYTES = 16 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


Anchors = x509.Certificate | Sequence[x509.Certificate]
"""The pinned root or roots (a PEM file may hold several, e.g. the old and the new CA)."""


def _roots(anchors: Anchors) -> Sequence[x509.Certificate]:
    return (anchors,) if isinstance(anchors, x509.Certificate) else anchors


def verify_file(path: Path, *, ca_file: Path) -> list[str]:
    """Verify the ``.edoc`` or signed SOAP answer in ``path`` by its content (ZIP or XML).

    ``ca_file`` holds the pinned root certificate(s), PEM. Raises :class:`ConfigurationError`
    if it is not a readable PEM certificate, :class:`SignatureInvalid` if the file does not
    verify (or is neither ZIP nor XML).
    """
    ca_certificate = load_anchors(ca_file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SignatureInvalid(f"cannot read {path}: {exc.strerror}", reason="io") from None
    if data.startswith(_ZIP_MAGIC):
        return verify_edoc(data, ca_certificate=ca_certificate)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return verify_soap_answer(data, ca_certificate=ca_certificate)
    raise SignatureInvalid("neither an .edoc (ZIP) nor a SOAP answer (XML)", reason="format")


def verify_edoc(data: bytes, *, ca_certificate: Anchors, now: datetime | None = None) -> list[str]:
    """Verify an ASiC-E container sealed with XAdES-B-B against ``ca_certificate``.

    Checks the container (:func:`~gateway.signing.asice.read_container`), that the manifest
    lists exactly the data files, and the one signature document over all data files
    (:func:`~gateway.signing.xades_verify.verify_xades`); then that the manifest's media types
    are the signed ones. ``now`` (default: the clock) bounds the signing time.
    """
    container = read_container(data)
    checks = [f"container: mimetype first, stored, {ASICE_MIMETYPE}; entry names and sizes safe"]
    media_types = _manifest_media_types(container.manifest)
    if media_types.keys() != container.data_files.keys():
        raise SignatureInvalid(
            "the manifest does not list exactly the data files", reason="manifest"
        )
    checks.append(f"manifest: lists every data file ({', '.join(media_types)})")
    if len(container.signatures) != 1:
        raise SignatureInvalid("expected exactly one signature document", reason="container")
    (signature_xml,) = container.signatures.values()
    verified = verify_xades(
        signature_xml, container.data_files, ca_certificate=ca_certificate, now=now
    )
    checks += verified.checks
    for name, media_type in media_types.items():
        if verified.mime_types[name] != media_type:
            raise SignatureInvalid(f"manifest: {name} is not of the signed type", reason="manifest")
    checks.append("manifest: media types match the signed DataObjectFormat")
    return checks


def verify_soap_answer(
    data: bytes, *, ca_certificate: Anchors, now: datetime | None = None
) -> list[str]:
    """Verify the enveloped signature on the payload of a SOAP 1.1 answer (RULES §6).

    The certificate embedded in the signature (with any intermediates after it) must lead to a
    pinned root and be valid ``now``; the signature is then checked against it with
    :func:`~gateway.signing.xmldsig.verify_enveloped`.
    """
    try:
        root = parse_message(data, max_bytes=MAX_ANSWER_BYTES, limits=ANSWER_LIMITS)
    except UnsafeXML as exc:
        raise SignatureInvalid(f"answer refused: {exc}", reason="xml") from None
    body = root.find(f"{{{SOAP11_ENV}}}Body")
    if root.tag != f"{{{SOAP11_ENV}}}Envelope" or body is None:
        raise SignatureInvalid("not a SOAP 1.1 envelope with a Body", reason="structure")
    payloads = [child for child in body if isinstance(child.tag, str)]
    if len(payloads) != 1:
        raise SignatureInvalid("expected exactly one element in the Body", reason="structure")
    payload = payloads[0]
    if payload.tag == f"{{{SOAP11_ENV}}}Fault":
        raise SignatureInvalid("the answer is a SOAP fault, which is not signed", reason="fault")
    local = etree.QName(payload).localname
    checks = [f"SOAP answer: payload {local} (Id {payload.get('Id')})"]
    texts = [e.text for e in payload.iterfind(
        f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"
    )]
    if not texts:
        raise SignatureInvalid("the payload carries no signing certificate", reason="structure")
    try:
        certificate, *intermediates = [
            x509.load_der_x509_certificate(b64decode_strict(t, "certificate")) for t in texts
        ]
    except ValueError:
        raise SignatureInvalid(
            "the signing certificate is malformed", reason="certificate-chain"
        ) from None
    chain = check_path(certificate, intermediates, _roots(ca_certificate), now or datetime.now(UTC))
    via = "".join(f" via {common_name(c)}" for c in chain[1:-1])
    checks.append(f"certificate: issued by {common_name(chain[-1])}{via}, valid now")
    verify_enveloped(payload, expected_certificate=certificate)
    checks.append(
        f"signature: reference #{payload.get('Id')} digest and signature value valid "
        "(exc-C14N, SHA-256)"
    )
    return checks


def _manifest_media_types(manifest: bytes) -> dict[str, str]:
    """``full-path`` → ``media-type`` of the data files in an ODF manifest (EN 319 162-1 §A.4).

    The manifest must have one ``/`` entry of the ASiC-E type and no repeated path.
    """
    try:
        root = parse_message(manifest, max_bytes=MAX_MANIFEST_BYTES)
    except UnsafeXML as exc:
        raise SignatureInvalid(f"manifest refused: {exc}", reason="manifest") from None
    attr = f"{{{MANIFEST_NS}}}"
    entries = [child for child in root if isinstance(child.tag, str)]
    if root.tag != f"{attr}manifest" or any(e.tag != f"{attr}file-entry" for e in entries):
        raise SignatureInvalid("not an ODF manifest", reason="manifest")
    media_types: dict[str, str] = {}
    for entry in entries:
        path, media_type = entry.get(f"{attr}full-path"), entry.get(f"{attr}media-type")
        if path is None or media_type is None or path in media_types:
            raise SignatureInvalid("a manifest entry is incomplete or repeated", reason="manifest")
        media_types[path] = media_type
    if media_types.pop("/", None) != ASICE_MIMETYPE:
        raise SignatureInvalid("the manifest does not describe the container", reason="manifest")
    return media_types
