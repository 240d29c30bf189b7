"""The certificate's PDF carries a QR code and the printed address of the public verification
page with its number filled in (RULES §14): read back by an independent decoder (zbarimg, from
the page rasterised by pdftoppm) and by pdftotext. New certificates carry it; a stored, sealed
certificate is served as it was sealed, never re-sealed for it."""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from gateway.demo import DEMO_DATA
from gateway.documents.issue import DocumentIssuer
from gateway.documents.render import render_certificate
from gateway.domain.shares import certificate_link
from gateway.signing.config import SigningSettings
from gateway.signing.keys import load_eseal_key
from gateway.store.importer import import_file
from gateway.store.models import Document
from tests.documents import samples
from tests.documents.pdftext import extract_text

URL = "https://eksameni.gov.lv/verify"


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code zbarimg reads on the PDF's first page at 200 dpi."""
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(tmp_path / "page.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable=1",
                           str(tmp_path / "page.png")], capture_output=True, text=True,
                          timeout=60, check=False)
    return done.stdout.splitlines()


def test_the_pdf_carries_the_verification_address_as_qr_and_text(tmp_path: Path) -> None:
    data = samples.anna_certificate()
    link = certificate_link(URL, data.number)
    pdf = render_certificate(replace(data, verify_url=link))
    assert qr_codes(pdf, tmp_path) == [link]
    assert link == f"{URL}?number=2024%2F301949081206-FRA09"
    words = " ".join(extract_text(pdf).split())
    assert link in words.replace(" ", "") or link in words
    assert "turētāja kodu" in words and "holder's code" in words


def test_without_an_address_there_is_no_qr_code(tmp_path: Path) -> None:
    assert qr_codes(render_certificate(samples.anna_certificate()), tmp_path) == []


def test_new_certificates_carry_it_and_stored_ones_are_not_resealed(engine: Engine,
                                                                      tmp_path: Path) -> None:
    import_file(engine, DEMO_DATA)
    with engine.connect() as conn:
        first, second = conn.scalars(select(Document.number).where(
            Document.kind == "ce_certificate").order_by(Document.number).limit(2)).all()
    key = load_eseal_key(SigningSettings(), tmp_path)
    before = DocumentIssuer(key, lambda: datetime.now(UTC))  # as sealed before this release
    stored = before.edoc(engine, first)
    now = DocumentIssuer(key, lambda: datetime.now(UTC), verify_url=URL)
    assert now.edoc(engine, first) == stored  # served as sealed, no QR added
    assert (now.counters.sealed, now.counters.served_stored) == (0, 1)
    assert qr_codes(_pdf(stored), tmp_path) == []
    fresh = now.edoc(engine, second)
    assert qr_codes(_pdf(fresh), tmp_path) == [certificate_link(URL, second)]


def _pdf(edoc: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(edoc)) as container:
        name = next(n for n in container.namelist() if n.endswith(".pdf"))
        return container.read(name)
