"""Sealing and renewing stored e-documents in bounded batches (RULES §6).

:func:`seal_session` seals every certificate of a session ahead of its publication, so that
results day serves stored bytes and never waits for a TSA: documents still without an
e-document, a batch at a time in number order, sealed by a bounded pool of threads (each seal
spends most of its time waiting for the TSA and the OCSP responder). A run that stops — or
a document whose seal failed — is simply resumed by running it again: only documents without
an e-document are selected, and the first e-document stored for a number is the one kept.

:func:`renew` adds an archive time-stamp (XAdES-B-LTA) to every stored e-document whose newest
time-stamp's TSA certificate expires before a date, and raises B-B ones to B-LTA; it walks the
store by number, a batch at a time, and replaces an e-document only if it is still the one read
(a concurrent renewal wins, this one skips). Both report progress through a callback.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select, update

from gateway.documents.issue import DocumentIssuer
from gateway.errors import ConfigurationError, GatewayError, SealingUnavailable
from gateway.signing.asice import read_container
from gateway.signing.sealer import Sealer, level_of
from gateway.signing.xades_lt_verify import newest_timestamp_signer
from gateway.store.models import Document

__all__ = ["Progress", "renew", "seal_session"]

log = logging.getLogger(__name__)

MAX_CONCURRENCY = 32
MAX_BATCH = 5000


@dataclass
class Progress:
    """How far a run is; ``elapsed`` in seconds."""

    total: int
    done: int = 0
    changed: int = 0
    skipped: int = 0
    failed: int = 0
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)
    """Numbers that failed (at most 20 kept), to look into; a rerun retries them."""

    def describe(self) -> str:
        rate = self.done / self.elapsed if self.elapsed else 0.0
        return (f"{self.done}/{self.total} done: {self.changed} sealed, {self.skipped} skipped, "
                f"{self.failed} failed; {self.elapsed:.1f} s, {rate:.1f}/s")

    def _fail(self, number: str) -> None:
        self.failed += 1
        if len(self.failures) < 20:
            self.failures.append(number)


def seal_session(
    engine: Engine,
    issuer: DocumentIssuer,
    session_code: str,
    *,
    concurrency: int = 4,
    batch: int = 200,
    progress: Callable[[Progress], None] | None = None,
    stop_after_failures: int = 20,
) -> Progress:
    """Seal every document of ``session_code`` that has no e-document yet.

    ``concurrency`` threads seal at once (1–32); ``batch`` documents are read at a time
    (1–5000). Stops early, leaving the rest to a rerun, after ``stop_after_failures``
    :class:`SealingUnavailable` in a row (the TSA or OCSP responder is down).
    """
    _bounds(concurrency, batch)
    where = (Document.session_code == session_code, Document.edoc.is_(None))
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Document).where(*where)) or 0
    state = Progress(total=total)
    started = time.monotonic()
    last = ""
    in_a_row = 0
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="seal") as pool:
        while True:
            with engine.connect() as conn:
                numbers = list(conn.scalars(
                    select(Document.number).where(*where, Document.number > last)
                    .order_by(Document.number).limit(batch)))
            if not numbers:
                break
            last = numbers[-1]
            for number, error in zip(numbers, pool.map(lambda n: _seal(issuer, engine, n),
                                                       numbers), strict=True):
                state.done += 1
                if error is None:
                    state.changed += 1
                    in_a_row = 0
                    continue
                state._fail(number)
                log.warning("sealing %s failed: %s", number, error)
                in_a_row = in_a_row + 1 if isinstance(error, SealingUnavailable) else 0
            state.elapsed = time.monotonic() - started
            if progress is not None:
                progress(state)
            if in_a_row >= stop_after_failures:
                log.error("stopping: %d seals in a row failed; run again later", in_a_row)
                break
    state.elapsed = time.monotonic() - started
    return state


def _seal(issuer: DocumentIssuer, engine: Engine, number: str) -> GatewayError | None:
    try:
        issuer.seal(engine, number)
    except GatewayError as exc:
        return exc
    return None


def renew(
    engine: Engine,
    sealer: Sealer,
    before: datetime,
    *,
    batch: int = 100,
    progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Add an archive time-stamp to each stored e-document whose newest time-stamp's TSA
    certificate expires before ``before``, and to each B-B one (raised to B-LTA)."""
    _bounds(1, batch)
    stored = Document.edoc.is_not(None)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Document).where(stored)) or 0
    state = Progress(total=total)
    started = time.monotonic()
    last = ""
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Document.number, Document.edoc, Document.edoc_sha256)
                .where(stored, Document.number > last).order_by(Document.number).limit(batch)
            ).all()
        if not rows:
            break
        last = rows[-1].number
        for row in rows:
            state.done += 1
            try:
                if not _due(row.edoc, before):
                    state.skipped += 1
                    continue
                renewed = sealer.archive(row.edoc)
            except GatewayError as exc:
                state._fail(row.number)
                log.warning("renewing %s failed: %s", row.number, exc)
                continue
            with engine.begin() as conn:
                replaced = conn.execute(
                    update(Document)
                    .where(Document.number == row.number, Document.edoc_sha256 == row.edoc_sha256)
                    .values(edoc=renewed, edoc_sha256=hashlib.sha256(renewed).hexdigest())
                ).rowcount
            if replaced:
                state.changed += 1
            else:
                state.skipped += 1  # renewed meanwhile by another run
        state.elapsed = time.monotonic() - started
        if progress is not None:
            progress(state)
    state.elapsed = time.monotonic() - started
    return state


def _due(edoc: bytes, before: datetime) -> bool:
    """B-B, or the newest time-stamp's TSA certificate expires before ``before``."""
    (signature,) = read_container(edoc).signatures.values()
    if level_of(signature) == "B-B":
        return True
    return newest_timestamp_signer(signature).not_valid_after_utc < before


def _bounds(concurrency: int, batch: int) -> None:
    if not 1 <= concurrency <= MAX_CONCURRENCY or not 1 <= batch <= MAX_BATCH:
        raise ConfigurationError(f"concurrency 1–{MAX_CONCURRENCY} and batch 1–{MAX_BATCH}")
