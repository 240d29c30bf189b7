"""Sealing a session before publication and renewing stored seals (RULES §6), against the demo
PKI's real TSA and OCSP responder, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.demo import DEMO_DATA
from gateway.documents.batches import Progress, renew, seal_session
from gateway.documents.issue import DocumentIssuer
from gateway.errors import SealingUnavailable
from gateway.signing.asice import read_container
from gateway.signing.config import SigningSettings
from gateway.signing.keys import load_eseal_key
from gateway.signing.sealer import Sealer, level_of, load_sealer
from gateway.signing.validation_data import ValidationClient
from gateway.signing.verify import verify_edoc
from gateway.store.importer import import_file
from gateway.store.models import Document
from tests.pki import Pki, demo_pki
from tests.stand import environment, run_cli

DEAD = "http://127.0.0.1:9/"  # the discard port: nothing listens


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with demo_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


def smallest_session(engine: Engine) -> tuple[str, list[str]]:
    with engine.connect() as conn:
        code, _count = conn.execute(
            select(Document.session_code, func.count()).where(Document.session_code.is_not(None))
            .group_by(Document.session_code).order_by(func.count(), Document.session_code)
        ).first()  # type: ignore[misc]
        numbers = list(conn.scalars(select(Document.number).where(
            Document.session_code == code).order_by(Document.number)))
    return code, numbers


def stored(engine: Engine, numbers: list[str]) -> dict[str, bytes | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(Document.number, Document.edoc).where(
            Document.number.in_(numbers))).all()
    return {row.number: row.edoc for row in rows}


def test_a_session_is_sealed_ahead_once_and_downloads_serve_it(engine: Engine,
                                                               pki: Pki) -> None:
    import_file(engine, DEMO_DATA)
    code, numbers = smallest_session(engine)
    assert len(numbers) >= 5
    issuer = DocumentIssuer(load_sealer(pki.settings, pki.data_dir), lambda: datetime.now(UTC))
    first = issuer.seal(engine, numbers[2])  # sealed on demand before the run: kept as it is
    seen: list[Progress] = []
    done = seal_session(engine, issuer, code, concurrency=2, batch=2,
                        progress=lambda p: seen.append(Progress(p.total, p.done)))
    assert (done.total, done.done, done.changed, done.failed) == (len(numbers) - 1,) * 3 + (0,)
    assert [p.done for p in seen] == [*range(2, len(numbers) - 1, 2), len(numbers) - 1]
    edocs = stored(engine, numbers)
    assert all(edocs.values()) and edocs[numbers[2]] == first
    for edoc in edocs.values():
        assert edoc is not None
        (signature,) = read_container(edoc).signatures.values()
        assert level_of(signature) == "B-LT"
    verify_edoc(edocs[numbers[0]] or b"", ca_certificate=pki.ca)
    again = seal_session(engine, issuer, code)  # resumed: nothing left
    assert (again.total, again.done) == (0, 0)
    downloads = DocumentIssuer(issuer.sealer, lambda: datetime.now(UTC))
    assert downloads.edoc(engine, numbers[-1]) == edocs[numbers[-1]]
    assert (downloads.counters.sealed, downloads.counters.served_stored) == (0, 1)


def test_with_the_tsa_down_nothing_is_stored_and_the_run_stops(engine: Engine, pki: Pki) -> None:
    import_file(engine, DEMO_DATA)
    code, numbers = smallest_session(engine)
    settings = SigningSettings(tsa_url=DEAD, ocsp_url=pki.urls.ocsp, validation_timeout=2)
    sealer = Sealer(load_eseal_key(SigningSettings(), pki.data_dir), ValidationClient(settings),
                    [pki.ca])
    issuer = DocumentIssuer(sealer, lambda: datetime.now(UTC))
    with pytest.raises(SealingUnavailable):  # a download sealing on demand: try again later
        issuer.edoc(engine, numbers[0])
    done = seal_session(engine, issuer, code, concurrency=1, batch=2, stop_after_failures=2)
    assert (done.done, done.failed, done.changed) == (2, 2, 0)
    assert done.failures == numbers[:2]
    assert not any(stored(engine, numbers).values())


def test_renew_adds_archive_time_stamps_where_due_and_upgrades_b_b(engine: Engine,
                                                                    pki: Pki) -> None:
    import_file(engine, DEMO_DATA)
    _code, numbers = smallest_session(engine)
    sealer = load_sealer(pki.settings, pki.data_dir)
    long_term = DocumentIssuer(sealer, lambda: datetime.now(UTC))
    plain = DocumentIssuer(Sealer(sealer.key), lambda: datetime.now(UTC))
    long_term.seal(engine, numbers[0])
    long_term.seal(engine, numbers[1])
    plain.seal(engine, numbers[2])  # stored before long-term seals: B-B
    tsa_expires = pki.certificate("tsa").not_valid_after_utc

    soon = renew(engine, sealer, datetime.now(UTC), batch=2)  # no TSA certificate expires yet
    assert (soon.total, soon.changed, soon.skipped, soon.failed) == (3, 1, 2, 0)
    levels = {n: level_of(next(iter(read_container(e or b"").signatures.values())))
              for n, e in stored(engine, numbers[:3]).items()}
    assert levels == {numbers[0]: "B-LT", numbers[1]: "B-LT", numbers[2]: "B-LTA"}

    due = renew(engine, sealer, tsa_expires.replace(year=tsa_expires.year + 1), batch=2)
    assert (due.changed, due.failed) == (3, 0)
    for edoc in stored(engine, numbers[:3]).values():
        (signature,) = read_container(edoc or b"").signatures.values()
        assert level_of(signature) == "B-LTA"
        verify_edoc(edoc or b"", ca_certificate=pki.ca,
                    now=datetime.now(UTC).replace(year=datetime.now(UTC).year + 20))


def test_the_commands_seal_and_renew(database_url: str, pki: Pki, tmp_path: Path) -> None:
    env = environment(pki.data_dir, database_url, GATEWAY_SIGNING__TSA_URL=pki.urls.tsa,
                      GATEWAY_SIGNING__OCSP_URL=pki.urls.ocsp)
    run_cli(env, "init")
    run_cli(env, "demo")
    sealed = run_cli(env, "edoc", "seal", "--session", "2026-V", "--batch", "50")
    assert "sealed session 2026-V:" in sealed.stdout and "0 failed" in sealed.stdout
    again = run_cli(env, "edoc", "seal", "--session", "2026-V")
    assert "0/0 done" in again.stdout
    renewed = run_cli(env, "edoc", "renew", "--before", "2200-01-01")
    assert "renewed before 2200-01-01:" in renewed.stdout and "0 failed" in renewed.stdout
