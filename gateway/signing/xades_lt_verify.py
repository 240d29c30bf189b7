"""Verifying the long-term part of a seal (XAdES-B-LT/B-LTA; RULES §6; EN 319 132-1 §5.3–5.5).

Given the ``ds:Signature`` whose XMLDSig core has been verified, :func:`verify_long_term`
checks, failing at the first problem, each with its ``reason``:

- the unsigned properties' shape: one ``SignatureTimeStamp`` first, then ``CertificateValues``
  and ``RevocationValues``, then any ``TimeStampValidationData`` and ``ArchiveTimeStamp``
  (``structure``);
- the signature time-stamp: its message imprint is SHA-256 of the exc-C14N ``SignatureValue``
  (``timestamp-imprint``); its TSA's certificate is in ``CertificateValues`` and leads to a
  pinned root at the time-stamp's time (``timestamp-chain``); the token's CMS signature by that
  certificate (``timestamp-signature``, by ``rfc3161-client``); its time not in the future;
- the revocation data of the e-seal's and the TSA's certificates, from ``RevocationValues``:
  an OCSP response signed by the issuer or its delegated responder (RFC 6960 §4.2.2.2), or the
  issuer's CRL, produced no earlier than the time-stamp; *revoked before the time-stamp* is
  refused (``revoked``), revoked after it is valid (the key was good when the seal was proven
  to exist); none at all is refused (``revocation-missing``);
- each archive time-stamp over :func:`~gateway.signing.xades_lt.archive_timestamp_input`
  (``archive-timestamp``), taken while the previous time-stamp's TSA certificate was valid
  (``archive-timestamp-late``): that is what renewing means.

Every certificate is judged at the time a time-stamp proves, never at ``now``, so a seal still
verifies decades later, after every certificate in it has expired (``now`` only bounds the
time-stamps from above). The algorithms' strength (SHA-256, RSA-2048/P-256) is assumed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree
from rfc3161_client import (
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from gateway.errors import SignatureInvalid
from gateway.ns import DS
from gateway.signing.trust import check_path, common_name
from gateway.signing.validation_data import check_ocsp_signature, issuer_of, token_signer
from gateway.signing.xades_lt import (
    archive_timestamp_input,
    ds,
    signature_timestamp_input,
    unsigned_signature_properties,
    v141,
    xades,
)
from gateway.signing.xmldsig import EXC_C14N, b64decode_strict
from gateway.xmlsafe import parse_message

__all__ = ["LongTerm", "newest_timestamp_signer", "verify_long_term"]

_SKEW = timedelta(minutes=5)
_SHA256 = "2.16.840.1.101.3.4.2.1"


@dataclass
class LongTerm:
    """What the long-term part proves."""

    level: str
    proof_time: datetime
    """When the signature time-stamp proves the seal existed: the time certificates are
    judged at."""
    checks: list[str] = field(default_factory=list)


@dataclass
class _Pool:
    certificates: list[x509.Certificate] = field(default_factory=list)
    ocsp: list[ocsp.OCSPResponse] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)


@dataclass(frozen=True)
class _Stamp:
    time: datetime
    signer: x509.Certificate


def verify_long_term(
    signature: etree._Element,
    data_files: Mapping[str, bytes],
    certificate: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    now: datetime,
) -> LongTerm | None:
    """Check the B-LT/B-LTA properties of ``signature``; ``None`` if it has none (B-B)."""
    props = unsigned_signature_properties(signature)
    if not props:
        return None
    tags = [p.tag for p in props]
    if tags[:3] != [xades("SignatureTimeStamp"), xades("CertificateValues"),
                    xades("RevocationValues")] or any(
        t not in (v141("TimeStampValidationData"), v141("ArchiveTimeStamp")) for t in tags[3:]
    ):
        raise SignatureInvalid(
            "the unsigned properties are not SignatureTimeStamp, CertificateValues, "
            "RevocationValues, then archive time-stamps", reason="structure")
    pool = _Pool()
    _read_values(props[1], props[2], pool)
    stamp = _check_timestamp(props[0], signature_timestamp_input(signature), pool, anchors, now,
                             "signature time-stamp", require_listed=True)
    result = LongTerm("B-LT", stamp.time)
    result.checks.append(
        f"signature time-stamp: over the SignatureValue, by {common_name(stamp.signer)}, "
        f"at {stamp.time:%Y-%m-%dT%H:%M:%SZ}; TSA certificate leads to the pinned root")
    path = check_path(certificate, [*intermediates, *pool.certificates], anchors, stamp.time)
    for subject, what in ((certificate, "e-seal"), (stamp.signer, "TSA")):
        issuer = issuer_of(subject, [*path, *pool.certificates, *anchors])
        result.checks.append(_check_revocation(subject, issuer, pool, stamp.time, what))
    previous = stamp
    for prop in props[3:]:
        if prop.tag == v141("TimeStampValidationData"):
            values = [c for c in prop if isinstance(c.tag, str)]
            if [v.tag for v in values] != [xades("CertificateValues"),
                                           xades("RevocationValues")]:
                raise SignatureInvalid("unexpected content in TimeStampValidationData",
                                       reason="structure")
            _read_values(values[0], values[1], pool)
            continue
        archived = _check_timestamp(
            prop, archive_timestamp_input(signature, data_files, prop), pool, anchors, now,
            "archive time-stamp", require_listed=False)
        if not previous.time <= archived.time <= previous.signer.not_valid_after_utc:
            raise SignatureInvalid(
                f"the archive time-stamp of {archived.time:%Y-%m-%d} was not taken while the "
                f"previous time-stamp's TSA certificate was valid", reason="archive-timestamp-late")
        result.level = "B-LTA"
        result.checks.append(
            f"archive time-stamp: by {common_name(archived.signer)} at "
            f"{archived.time:%Y-%m-%dT%H:%M:%SZ}, before the previous TSA certificate expired "
            f"({previous.signer.not_valid_after_utc:%Y-%m-%d})")
        previous = archived
    result.checks.append(
        f"level: XAdES-{result.level}; certificates judged at the time-stamp's time, so the "
        f"seal verifies after they expire (newest time-stamp's TSA certificate valid until "
        f"{previous.signer.not_valid_after_utc:%Y-%m-%d})")
    return result


def newest_timestamp_signer(signature_xml: bytes) -> x509.Certificate:
    """The TSA certificate of the newest time-stamp of a signature document of ours."""
    root = parse_message(signature_xml, max_bytes=len(signature_xml) + 1)
    signature = root.find(f"{{{DS}}}Signature")
    props = [] if signature is None else unsigned_signature_properties(signature)
    stamps = [p for p in props if p.tag in (xades("SignatureTimeStamp"),
                                             v141("ArchiveTimeStamp"))]
    if not stamps:
        raise SignatureInvalid("the signature has no time-stamp", reason="structure")
    response, certificates = _decode(stamps[-1], "time-stamp")
    signer = token_signer(response.signed_data.signer_infos, certificates)
    if signer is None:
        raise SignatureInvalid("the time-stamp names no certificate", reason="timestamp-chain")
    return signer


def _read_values(cert_values: etree._Element, revocation_values: etree._Element,
                 pool: _Pool) -> None:
    try:
        for element in cert_values:
            if element.tag != xades("EncapsulatedX509Certificate"):
                raise ValueError
            pool.certificates.append(x509.load_der_x509_certificate(
                b64decode_strict(element.text, "certificate")))
        for group in revocation_values:
            for element in group:
                der = b64decode_strict(element.text, "revocation value")
                if group.tag == xades("OCSPValues") and element.tag == xades(
                        "EncapsulatedOCSPValue"):
                    pool.ocsp.append(ocsp.load_der_ocsp_response(der))
                elif group.tag == xades("CRLValues") and element.tag == xades(
                        "EncapsulatedCRLValue"):
                    pool.crls.append(x509.load_der_x509_crl(der))
                else:
                    raise ValueError
    except ValueError:
        raise SignatureInvalid("CertificateValues or RevocationValues hold something else",
                               reason="validation-data") from None


def _decode(element: etree._Element, what: str
            ) -> tuple[TimeStampResponse, list[x509.Certificate]]:
    children = [c for c in element if isinstance(c.tag, str)]
    if [c.tag for c in children] != [ds("CanonicalizationMethod"),
                                      xades("EncapsulatedTimeStamp")]:
        raise SignatureInvalid(f"unexpected content in the {what}", reason="structure")
    if children[0].get("Algorithm") != EXC_C14N:
        raise SignatureInvalid(f"the {what} is not over exc-C14N", reason="algorithm")
    token = b64decode_strict(children[1].text, "time-stamp")
    try:
        # rfc3161-client reads responses, a signature carries the token: wrap it (RFC 3161 §2.4.2)
        wrapped = tsp.TimeStampResp({"status": {"status": "granted"},
                                     "time_stamp_token": cms.ContentInfo.load(token)}).dump()
        response = decode_timestamp_response(wrapped)
        certificates = [x509.load_der_x509_certificate(d)
                        for d in response.signed_data.certificates]
    except ValueError:
        raise SignatureInvalid(f"the {what} is not an RFC 3161 token",
                               reason="timestamp-signature") from None
    return response, certificates


def _check_timestamp(
    element: etree._Element, covered: bytes, pool: _Pool, anchors: Sequence[x509.Certificate],
    now: datetime, what: str, *, require_listed: bool,
) -> _Stamp:
    response, embedded = _decode(element, what)
    imprint = response.tst_info.message_imprint
    if imprint.hash_algorithm.dotted_string != _SHA256 or not hmac.compare_digest(
        imprint.message, hashlib.sha256(covered).digest()
    ):
        raise SignatureInvalid(f"the {what} covers other bytes than the signature's",
                               reason="timestamp-imprint")
    when = response.tst_info.gen_time
    signer = token_signer(response.signed_data.signer_infos, embedded)
    listed = signer is not None and signer in pool.certificates
    if signer is None or (require_listed and not listed):
        raise SignatureInvalid(f"the {what}'s TSA certificate is not in CertificateValues",
                               reason="timestamp-chain")
    try:
        usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
            raise x509.ExtensionNotFound("", usage.oid)
    except x509.ExtensionNotFound:
        raise SignatureInvalid(f"the {what}'s certificate is not a TSA's (RFC 3161 §2.3)",
                               reason="timestamp-chain") from None
    available = pool.certificates if require_listed else [*pool.certificates, *embedded]
    try:
        check_path(signer, available, anchors, when)
    except SignatureInvalid as exc:
        raise SignatureInvalid(f"the {what}'s TSA certificate: {exc}",
                               reason="timestamp-chain") from None
    builder = VerifierBuilder().tsa_certificate(signer)
    for root in anchors:
        builder = builder.add_root_certificate(root)
    added: list[x509.Certificate] = [*anchors, signer]
    for cert in available:
        if cert not in added:
            added.append(cert)
            builder = builder.add_intermediate_certificate(cert)
    try:
        builder.build().verify(response, imprint.message)
    except VerificationError as exc:
        raise SignatureInvalid(f"the {what}'s signature does not verify: {exc}",
                               reason="timestamp-signature") from None
    if when > now + _SKEW:
        raise SignatureInvalid(f"the {what} is in the future", reason="timestamp-time")
    return _Stamp(when, signer)


def _check_revocation(cert: x509.Certificate, issuer: x509.Certificate | None, pool: _Pool,
                      at: datetime, what: str) -> str:
    """The status of ``cert`` at ``at`` from the embedded OCSP responses or CRLs."""
    if issuer is None:
        raise SignatureInvalid(f"the {what} certificate's issuer is not in the signature",
                               reason="validation-data")
    for response in pool.ocsp:
        if not _about(response, cert, issuer):
            continue
        responder = _responder(response, issuer, pool)
        produced = response.produced_at_utc
        if produced < at - _SKEW:
            continue  # older than the time-stamp: proves nothing about that instant
        return _status(what, response.certificate_status, response.revocation_time_utc, at,
                       f"OCSP by {common_name(responder)} of {produced:%Y-%m-%dT%H:%M:%SZ}")
    for crl in pool.crls:
        if crl.issuer != issuer.subject or not crl.is_signature_valid(
            issuer.public_key()  # type: ignore[arg-type]
        ) or crl.last_update_utc < at - _SKEW:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        status = ocsp.OCSPCertStatus.GOOD if entry is None else ocsp.OCSPCertStatus.REVOKED
        return _status(what, status, None if entry is None else entry.revocation_date_utc, at,
                       f"CRL of {crl.last_update_utc:%Y-%m-%dT%H:%M:%SZ}")
    raise SignatureInvalid(
        f"no revocation data of the {what} certificate from after the time-stamp",
        reason="revocation-missing")


def _status(what: str, status: ocsp.OCSPCertStatus, revoked_at: datetime | None,
            at: datetime, source: str) -> str:
    if status == ocsp.OCSPCertStatus.GOOD:
        return f"revocation: {what} certificate not revoked ({source})"
    if status == ocsp.OCSPCertStatus.REVOKED and revoked_at is not None:
        if revoked_at <= at:
            raise SignatureInvalid(
                f"the {what} certificate was revoked at {revoked_at:%Y-%m-%dT%H:%M:%SZ}, "
                f"before the signature time-stamp ({at:%Y-%m-%dT%H:%M:%SZ})", reason="revoked")
        return (f"revocation: {what} certificate revoked at {revoked_at:%Y-%m-%dT%H:%M:%SZ}, "
                f"after the time-stamp: the seal stays valid ({source})")
    raise SignatureInvalid(f"the {what} certificate's status is unknown",
                           reason="revocation-unknown")


def _about(response: ocsp.OCSPResponse, cert: x509.Certificate,
           issuer: x509.Certificate) -> bool:
    """The response is a successful one about ``cert`` as issued by ``issuer``."""
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return False
    if response.serial_number != cert.serial_number:
        return False
    algorithm = response.hash_algorithm
    digest = hashlib.new(algorithm.name)
    digest.update(issuer.subject.public_bytes())
    name_hash = digest.digest()
    key = x509.SubjectKeyIdentifier.from_public_key(issuer.public_key()).digest
    if algorithm.name != "sha1":
        bits = _subject_public_key_bits(issuer)
        key_digest = hashlib.new(algorithm.name)
        key_digest.update(bits)
        key = key_digest.digest()
    return hmac.compare_digest(response.issuer_name_hash, name_hash) and hmac.compare_digest(
        response.issuer_key_hash, key)


def _responder(response: ocsp.OCSPResponse, issuer: x509.Certificate,
               pool: _Pool) -> x509.Certificate:
    """The OCSP response's signer: the issuer, or a responder it delegated (RFC 6960
    §4.2.2.2: issued by it, extended key usage OCSPSigning, valid when the answer was made)."""
    for candidate in [issuer, *response.certificates, *pool.certificates]:
        by_name = response.responder_name is not None and candidate.subject == \
            response.responder_name
        by_key = response.responder_key_hash is not None and \
            x509.SubjectKeyIdentifier.from_public_key(candidate.public_key()).digest == \
            response.responder_key_hash
        if not (by_name or by_key):
            continue
        if candidate != issuer:
            if issuer_of(candidate, [issuer]) is None or not _delegated(candidate):
                continue
            if not (candidate.not_valid_before_utc <= response.produced_at_utc
                    <= candidate.not_valid_after_utc):
                continue
        try:
            check_ocsp_signature(response, candidate)
        except ValueError:
            continue
        return candidate
    raise SignatureInvalid("an OCSP response is not signed by the issuer or its responder",
                           reason="validation-data")


def _delegated(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in usage


def _subject_public_key_bits(cert: x509.Certificate) -> bytes:
    from asn1crypto import keys
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    info = keys.PublicKeyInfo.load(cert.public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo))
    return bytes(info["public_key"].contents[1:])

