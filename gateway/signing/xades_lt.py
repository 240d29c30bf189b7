"""XAdES-B-LT and B-LTA (ETSI EN 319 132-1 §6.3, §5.3–5.5): the unsigned properties of a
long-term seal (RULES §6).

A B-B signature (:mod:`gateway.signing.xades`) gets ``xades:UnsignedProperties/
xades:UnsignedSignatureProperties`` holding, in this order:

- ``xades:SignatureTimeStamp`` (§5.3): an RFC 3161 token over the exclusive C14N of
  ``ds:SignatureValue`` (§5.3, "the input to the message imprint computation"), the
  canonicalisation named by its ``ds:CanonicalizationMethod``;
- ``xades:CertificateValues`` (§5.4.1): the certificates of the e-seal's chain not in
  ``ds:KeyInfo``, of the TSA's chain, and of the OCSP responders;
- ``xades:RevocationValues`` (§5.4.2): the OCSP responses (``OCSPValues``) or CRLs
  (``CRLValues``) of the e-seal's and the TSA's certificates, fetched after the time-stamp;
- for B-LTA, ``xadesv141:ArchiveTimeStamp`` (§5.5.2) elements, each over
  :func:`archive_timestamp_input`, and before each further one a
  ``xadesv141:TimeStampValidationData`` (§5.5.1) with the certificates and revocation data
  of the previous time-stamp's TSA.

Unsigned properties are outside the signed data, so adding them never breaks the XMLDSig
core that xmlsec1 and signxml verify. No Python library builds these properties (signxml makes
and verifies B-B only), so this module builds them with lxml, and the archive time-stamp's
input is written here after §5.5.2.2; the protocol parts (RFC 3161, OCSP, CRL) are library
work (:mod:`gateway.signing.validation_data`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from gateway.errors import InternalError, SignatureInvalid
from gateway.ns import DS, XADES
from gateway.signing.validation_data import Revocation, TimeStamp
from gateway.signing.xades import SIGNED_PROPERTIES_TYPE
from gateway.signing.xmldsig import EXC_C14N, exc_c14n

__all__ = [
    "XADES141",
    "add_archive_timestamp",
    "add_long_term",
    "archive_timestamp_input",
    "signature_timestamp_input",
    "unsigned_signature_properties",
]

XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
"""Namespace of ``ArchiveTimeStamp`` and ``TimeStampValidationData`` (EN 319 132-1 §4.2)."""


_V141_NSMAP = {"xadesv141": XADES141}


def ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def xades(local: str) -> str:
    return f"{{{XADES}}}{local}"


def v141(local: str) -> str:
    return f"{{{XADES141}}}{local}"


def signature_timestamp_input(signature: etree._Element) -> bytes:
    """The bytes a ``SignatureTimeStamp`` covers: exc-C14N of ``ds:SignatureValue`` (§5.3)."""
    value = signature.find(ds("SignatureValue"))
    if value is None:
        raise SignatureInvalid("the signature has no SignatureValue", reason="structure")
    return exc_c14n(value)


def archive_timestamp_input(
    signature: etree._Element, data_files: Mapping[str, bytes], before: etree._Element | None
) -> bytes:
    """The bytes an ``ArchiveTimeStamp`` covers (EN 319 132-1 §5.5.2.2), concatenated:

    each ``ds:Reference``'s data after its transforms, in order (a container file's raw bytes;
    the exc-C14N of ``xades:SignedProperties``); the exc-C14N of ``ds:SignedInfo``,
    ``ds:SignatureValue`` and ``ds:KeyInfo``; then of every unsigned signature property before
    ``before`` (the archive time-stamp being made or checked; ``None``: all of them).
    """
    signed_info = signature.find(ds("SignedInfo"))
    value = signature.find(ds("SignatureValue"))
    key_info = signature.find(ds("KeyInfo"))
    qualifying = signature.find(f"{ds('Object')}/{xades('QualifyingProperties')}")
    if signed_info is None or value is None or key_info is None or qualifying is None:
        raise SignatureInvalid("the signature lacks a part an archive time-stamp covers",
                               reason="structure")
    parts: list[bytes] = []
    for reference in signed_info.iterfind(ds("Reference")):
        if reference.get("Type") == SIGNED_PROPERTIES_TYPE:
            props = qualifying.find(xades("SignedProperties"))
            if props is None:
                raise SignatureInvalid("no SignedProperties", reason="structure")
            parts.append(exc_c14n(props))
            continue
        name = unquote(reference.get("URI") or "")
        if name not in data_files:
            raise SignatureInvalid(f"reference {name!r} names no data file", reason="reference")
        parts.append(data_files[name])
    parts += [exc_c14n(signed_info), exc_c14n(value), exc_c14n(key_info)]
    for prop in unsigned_signature_properties(signature):
        if prop is before:
            break
        parts.append(exc_c14n(prop))
    return b"".join(parts)


def unsigned_signature_properties(signature: etree._Element) -> list[etree._Element]:
    """The children of ``UnsignedSignatureProperties`` in document order (none for B-B)."""
    found = signature.find(
        f"{ds('Object')}/{xades('QualifyingProperties')}/{xades('UnsignedProperties')}/"
        f"{xades('UnsignedSignatureProperties')}"
    )
    return [] if found is None else [c for c in found if isinstance(c.tag, str)]


def add_long_term(
    signature_xml: bytes,
    timestamp: TimeStamp,
    certificates: Sequence[x509.Certificate],
    revocations: Sequence[Revocation],
) -> bytes:
    """The B-B signature document ``signature_xml`` raised to B-LT with ``timestamp`` (over
    :func:`signature_timestamp_input`), ``certificates`` and ``revocations``."""
    root = _parse_own(signature_xml)
    signature = _signature(root)
    qualifying = signature.find(f"{ds('Object')}/{xades('QualifyingProperties')}")
    if qualifying is None or qualifying.find(xades("UnsignedProperties")) is not None:
        raise InternalError("not a B-B signature of ours")
    unsigned = etree.SubElement(
        etree.SubElement(qualifying, xades("UnsignedProperties")),
        xades("UnsignedSignatureProperties"),
    )
    sig_id = signature.get("Id")
    _timestamp_element(unsigned, xades("SignatureTimeStamp"), f"{sig_id}-TS0", timestamp)
    _validation_values(unsigned, certificates, revocations, sig_id or "S")
    return _serialise(root)


def add_archive_timestamp(
    signature_xml: bytes,
    data_files: Mapping[str, bytes],
    stamp: Callable[[bytes], TimeStamp],
    validation: tuple[Sequence[x509.Certificate], Sequence[Revocation]] | None = None,
) -> bytes:
    """``signature_xml`` (B-LT or B-LTA) with one more ``xadesv141:ArchiveTimeStamp``.

    ``validation`` (certificates, revocation data of the previous time-stamp's TSA) goes first
    into a ``xadesv141:TimeStampValidationData``, so the new time-stamp covers it too.
    ``stamp`` is the TSA call (:meth:`ValidationClient.timestamp`).
    """
    root = _parse_own(signature_xml)
    signature = _signature(root)
    props = unsigned_signature_properties(signature)
    if not props or props[0].tag != xades("SignatureTimeStamp"):
        raise InternalError("an archive time-stamp needs a B-LT signature")
    unsigned = props[0].getparent()
    assert unsigned is not None
    count = sum(1 for p in props if p.tag == v141("ArchiveTimeStamp"))
    sig_id = signature.get("Id") or "S"
    if validation is not None:
        data = etree.SubElement(unsigned, v141("TimeStampValidationData"),
                                Id=f"{sig_id}-TVD{count}", nsmap=_V141_NSMAP)
        _validation_values(data, *validation, f"{sig_id}-TVD{count}")
    placeholder = etree.SubElement(unsigned, v141("ArchiveTimeStamp"))
    imprint_input = archive_timestamp_input(signature, data_files, placeholder)
    unsigned.remove(placeholder)
    _timestamp_element(unsigned, v141("ArchiveTimeStamp"), f"{sig_id}-ATS{count}",
                       stamp(imprint_input))
    return _serialise(root)


def _timestamp_element(parent: etree._Element, tag: str, element_id: str,
                       timestamp: TimeStamp) -> None:
    element = etree.SubElement(parent, tag, Id=element_id, nsmap=_V141_NSMAP
                               if tag.startswith(f"{{{XADES141}}}") else None)
    etree.SubElement(element, ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(element, xades("EncapsulatedTimeStamp")).text = _b64(timestamp.token)


def _validation_values(parent: etree._Element, certificates: Iterable[x509.Certificate],
                       revocations: Sequence[Revocation], prefix: str) -> None:
    values = etree.SubElement(parent, xades("CertificateValues"), Id=f"{prefix}-CV")
    seen: set[bytes] = set()
    for cert in certificates:
        der = cert.public_bytes(Encoding.DER)
        if der not in seen:
            seen.add(der)
            etree.SubElement(values, xades("EncapsulatedX509Certificate")).text = _b64(der)
    revocation = etree.SubElement(parent, xades("RevocationValues"), Id=f"{prefix}-RV")
    for kind, list_tag, value_tag in (("crl", "CRLValues", "EncapsulatedCRLValue"),
                                      ("ocsp", "OCSPValues", "EncapsulatedOCSPValue")):
        chosen = [r for r in revocations if r.kind == kind]
        if chosen:
            holder = etree.SubElement(revocation, xades(list_tag))
            for item in chosen:
                etree.SubElement(holder, xades(value_tag)).text = _b64(item.der)


def _parse_own(signature_xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_blank_text=False)
    try:
        return etree.fromstring(signature_xml, parser)
    except etree.XMLSyntaxError:
        raise InternalError("the stored signature document is not XML") from None


def _signature(root: etree._Element) -> etree._Element:
    signature = root.find(ds("Signature"))
    if signature is None:
        raise InternalError("no ds:Signature in the signature document")
    return signature


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
