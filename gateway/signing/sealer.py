"""Sealing e-documents at XAdES-B-LT, and raising sealed ones to B-LTA (RULES §6).

A :class:`Sealer` holds VISC's e-seal key and, when ``signing.tsa_url`` is set, a
:class:`~gateway.signing.validation_data.ValidationClient`. :meth:`Sealer.seal_pdf` makes the
B-B signature (:mod:`gateway.signing.xades`), asks the TSA for a time-stamp over its
``SignatureValue``, then the OCSP responder (or the CRL) for the status of the e-seal's and the
TSA's certificates, and only then builds the container: if any service fails, it raises
:class:`~gateway.errors.SealingUnavailable` and nothing is made. :meth:`Sealer.archive` adds an
archive time-stamp to a stored container (upgrading B-B to B-LT first).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from gateway.errors import ConfigurationError, InternalError
from gateway.ns import DS
from gateway.signing.asice import PDF_MIMETYPE, SIGNATURES, build_container, read_container
from gateway.signing.config import SigningSettings
from gateway.signing.keys import SigningKey, load_eseal_key, pinned_ca_file
from gateway.signing.trust import load_anchors
from gateway.signing.validation_data import Revocation, ValidationClient, issuer_of
from gateway.signing.xades import sign_detached
from gateway.signing.xades_lt import (
    XADES141,
    add_archive_timestamp,
    add_long_term,
    signature_timestamp_input,
    unsigned_signature_properties,
)
from gateway.signing.xades_lt_verify import newest_timestamp_signer
from gateway.xmlsafe import parse_message

__all__ = ["Sealer", "level_of", "load_sealer"]

log = logging.getLogger(__name__)


def level_of(signature_xml: bytes) -> str:
    """``B-B``, ``B-LT`` or ``B-LTA``: which baseline level a signature document of ours has."""
    root = parse_message(signature_xml, max_bytes=len(signature_xml) + 1)
    signature = root.find(f"{{{DS}}}Signature")
    props = [] if signature is None else unsigned_signature_properties(signature)
    if any(p.tag == f"{{{XADES141}}}ArchiveTimeStamp" for p in props):
        return "B-LTA"
    return "B-LT" if props else "B-B"


class Sealer:
    """Seals with ``key``; at B-LT when ``client`` is given (``issuers``: the CA certificates
    that complete the e-seal's chain, e.g. the pinned root)."""

    def __init__(self, key: SigningKey, client: ValidationClient | None = None,
                 issuers: Sequence[x509.Certificate] = ()) -> None:
        self.key = key
        self.client = client
        self.issuers = tuple(issuers)

    @property
    def level(self) -> str:
        return "B-LT" if self.client is not None else "B-B"

    def seal_pdf(self, pdf_name: str, pdf: bytes, signing_time: datetime) -> bytes:
        """The ``.edoc`` of ``pdf``, sealed at :attr:`level`."""
        signature = sign_detached([(pdf_name, pdf, PDF_MIMETYPE)], self.key,
                                  signing_time=signing_time)
        if self.client is not None:
            signature = self.long_term(signature)
        return build_container(pdf_name, pdf, signature, timestamp=signing_time)

    def long_term(self, signature_xml: bytes) -> bytes:
        """Raise a B-B signature document made with :attr:`key` to B-LT."""
        client = self._client()
        root = parse_message(signature_xml, max_bytes=len(signature_xml) + 1)
        signature = root.find(f"{{{DS}}}Signature")
        if signature is None:
            raise InternalError("no signature to time-stamp")
        stamp = client.timestamp(signature_timestamp_input(signature))
        certificates, revocations = self._validation_data(
            [self.key.certificate, stamp.signer], [*self.key.chain, *stamp.certificates])
        return add_long_term(signature_xml, stamp, certificates, revocations)

    def archive(self, edoc: bytes) -> bytes:
        """``edoc`` with a new archive time-stamp (B-LTA); a B-B container is raised to B-LT
        first. The previous time-stamp's TSA certificate gets fresh revocation data."""
        client = self._client()
        container = read_container(edoc)
        if list(container.signatures) != [SIGNATURES] or len(container.data_files) != 1:
            raise InternalError("not a container of ours")
        signature_xml = container.signatures[SIGNATURES]
        ((pdf_name, pdf),) = container.data_files.items()
        level = level_of(signature_xml)
        if level == "B-B":
            signature_xml = self.long_term(signature_xml)
        validation = None
        if level == "B-LTA":
            newest = newest_timestamp_signer(signature_xml)
            validation = self._validation_data([newest], list(self.issuers))
        signature_xml = add_archive_timestamp(signature_xml, container.data_files,
                                              client.timestamp, validation)
        return build_container(pdf_name, pdf, signature_xml, timestamp=_zip_time(edoc))

    def _validation_data(
        self, subjects: Sequence[x509.Certificate], pool: Sequence[x509.Certificate]
    ) -> tuple[list[x509.Certificate], list[Revocation]]:
        """The certificates and revocation data to validate ``subjects`` (leaf certificates)."""
        client = self._client()
        pool = [*pool, *self.issuers]
        certificates: list[x509.Certificate] = []
        revocations: list[Revocation] = []
        for cert in subjects:
            issuer = issuer_of(cert, pool)
            if issuer is None:
                raise ConfigurationError(
                    f"no issuer certificate of {cert.subject.rfc4514_string()} is configured")
            revocation = client.revocation(cert, issuer)
            revocations.append(revocation)
            if cert is not self.key.certificate:
                certificates.append(cert)
            certificates += [issuer, *revocation.responder_certificates]
        return certificates, revocations

    def _client(self) -> ValidationClient:
        if self.client is None:
            raise ConfigurationError("signing.tsa_url is not set: no long-term seal")
        return self.client


def load_sealer(settings: SigningSettings, data_dir: Path) -> Sealer:
    """The sealer of ``settings``: the e-seal key, and the TSA/OCSP client when configured."""
    key = load_eseal_key(settings, data_dir)
    if not settings.long_term:
        log.warning("signing.tsa_url is not set: e-documents are sealed at XAdES-B-B only")
        return Sealer(key)
    ca_file = pinned_ca_file(settings, data_dir)
    issuers = load_anchors(ca_file) if ca_file is not None and ca_file.exists() else ()
    return Sealer(key, ValidationClient(settings), issuers)


def _zip_time(edoc: bytes) -> datetime:
    """The entries' time of a container of ours (its sealing time, to the second)."""
    with zipfile.ZipFile(io.BytesIO(edoc)) as archive:
        stamp = archive.infolist()[0].date_time
    return datetime(*stamp, tzinfo=UTC)


