"""Issuing e-documents: render the PDF and seal it once, store it, serve the stored bytes.

An issued document never changes (RULES §6): it is rendered and sealed with VISC's e-seal
(XAdES-B-LT when a TSA is configured, :mod:`gateway.signing.sealer`) into an ASiC-E container
once, ahead of publication by ``gateway edoc seal`` or else on the first download, and stored;
every later download serves the stored bytes without rendering or signing.
:class:`IssueCounters` shows it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from gateway import metrics
from gateway.documents.model import CertificateData, Institution, LanguageDocumentData, Part
from gateway.documents.render import render_certificate, render_language_document
from gateway.domain.documents import DocumentKind
from gateway.domain.personal_code import display
from gateway.signing.keys import SigningKey
from gateway.signing.sealer import Sealer
from gateway.store import documents as store

EDOC_MIME = "application/vnd.etsi.asic-e+zip"


@dataclass
class IssueCounters:
    """How many e-documents this process sealed and how many it served as stored."""

    sealed: int = 0
    served_stored: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, *, sealed: bool) -> None:
        metrics.DOCUMENTS.labels("sealed" if sealed else "stored").inc()
        with self._lock:
            if sealed:
                self.sealed += 1
            else:
                self.served_stored += 1


def file_stem(number: str) -> str:
    """A file name for a document number: ``2024/3019-FRA09`` → ``2024-3019-FRA09``."""
    return re.sub(r"[^0-9A-Za-z-]", "-", number)


def printable(sources: Mapping[str, Any]) -> CertificateData | LanguageDocumentData:
    """What is printed on the document, from its rows in the store."""
    doc, person = sources["document"], sources["person"]
    if doc.kind != DocumentKind.CE_CERTIFICATE:
        return LanguageDocumentData(
            number=doc.number,
            kind=DocumentKind(doc.kind),
            issued_on=doc.issued_on,
            title=doc.title,
            given_name=person.given_name,
            family_name=person.family_name,
            personal_code=display(person.personal_code),
        )
    result, exam, session = sources["result"], sources["exam"], sources["session"]
    institution = sources.get("institution")
    scores = result.parts or {}
    return CertificateData(
        number=doc.number,
        issued_on=doc.issued_on,
        title=doc.title,
        given_name=person.given_name,
        family_name=person.family_name,
        personal_code=display(person.personal_code),
        exam_code=exam.code,
        exam_name=exam.name,
        school_year=session.school_year,
        session_code=session.code,
        level=session.level,
        total_percent=float(result.total_percent),
        parts=tuple(Part(p, float(scores[p])) for p in exam.parts if p in scores),
        cefr_level=result.cefr_level,
        institution=None
        if institution is None
        else Institution(institution.name, institution.code),
    )


def render(data: CertificateData | LanguageDocumentData) -> bytes:
    if isinstance(data, CertificateData):
        return render_certificate(data)
    return render_language_document(data)


class DocumentIssuer:
    """Makes and keeps e-documents; one per process (the e-seal key is loaded once)."""

    def __init__(self, eseal: SigningKey | Sealer, clock: Callable[[], datetime]) -> None:
        self.sealer = eseal if isinstance(eseal, Sealer) else Sealer(eseal)
        self.eseal = self.sealer.key
        self.clock = clock
        self.counters = IssueCounters()

    def edoc(self, engine: Engine, number: str) -> bytes:
        """The sealed e-document of ``number`` (which the caller has checked may be seen).

        Served as stored when ``gateway edoc seal`` sealed it before publication; sealed now
        only if it was missed. Raises :class:`~gateway.errors.SealingUnavailable` ("try again
        later") when the TSA or the OCSP responder fails: then nothing is stored.
        """
        with engine.connect() as conn:
            stored = store.stored_edoc(conn, number)
            if stored is not None:
                self.counters.count(sealed=False)
                return stored
        return self.seal(engine, number)

    def seal(self, engine: Engine, number: str) -> bytes:
        """Render and seal ``number`` and store it, unless a sealed one is stored already
        (the first write wins); the e-document kept."""
        with engine.connect() as conn:
            sources = store.document_sources(conn, number)
        pdf = render(printable(sources))
        now = self.clock()
        edoc = self.sealer.seal_pdf(f"{file_stem(number)}.pdf", pdf, now)
        with engine.begin() as conn:
            kept = store.store_edoc(conn, number, edoc, hashlib.sha256(edoc).hexdigest(), now)
        self.counters.count(sealed=True)
        return kept
