"""An issued document is rendered and sealed once; later downloads serve the stored bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from gateway.demo import DEMO_DATA
from gateway.documents.issue import DocumentIssuer
from gateway.signing.config import SigningSettings
from gateway.signing.keys import load_eseal_key
from gateway.signing.verify import verify_edoc
from gateway.store.importer import import_file
from gateway.store.models import Document


def test_the_second_download_costs_no_rendering_or_signing(engine: Engine, tmp_path: Path
                                                           ) -> None:
    import_file(engine, DEMO_DATA)
    with engine.connect() as conn:
        number = conn.scalar(select(Document.number).where(
            Document.kind == "ce_certificate").order_by(Document.number.desc()))
    assert number is not None
    settings = SigningSettings()
    issuer = DocumentIssuer(load_eseal_key(settings, tmp_path), lambda: datetime.now(UTC))
    first = issuer.edoc(engine, number)
    assert (issuer.counters.sealed, issuer.counters.served_stored) == (1, 0)
    second = issuer.edoc(engine, number)
    assert (issuer.counters.sealed, issuer.counters.served_stored) == (1, 1)
    assert first == second
    from cryptography import x509

    ca = x509.load_pem_x509_certificate((tmp_path / "keys" / "ca.pem").read_bytes())
    assert verify_edoc(first, ca_certificate=ca)


def test_a_concurrent_second_seal_keeps_the_first(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, DEMO_DATA)
    with engine.connect() as conn:
        number = conn.scalar(select(Document.number).where(Document.kind != "ce_certificate")
                             .order_by(Document.number))
    assert number is not None
    key = load_eseal_key(SigningSettings(), tmp_path)
    one = DocumentIssuer(key, lambda: datetime(2026, 1, 1, tzinfo=UTC))
    other = DocumentIssuer(key, lambda: datetime(2026, 1, 2, tzinfo=UTC))
    kept = one.edoc(engine, number)
    from gateway.store import documents as store

    with engine.begin() as conn:  # a worker that sealed at the same moment loses the race
        assert store.store_edoc(conn, number, b"later", "0" * 64, datetime.now(UTC)) == kept
    assert other.edoc(engine, number) == kept
