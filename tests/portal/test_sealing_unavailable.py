"""A portal download that must be sealed while the TSA is down (RULES §6): a 503 page saying
"try again later" in the student's language, and nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gateway.documents.issue import DocumentIssuer
from gateway.signing.config import SigningSettings
from gateway.signing.sealer import Sealer
from gateway.signing.trust import load_anchors
from gateway.signing.validation_data import ValidationClient
from gateway.store.models import Document
from tests.portal.conftest import serving_portal, sign_in

NUMBER = "2026/147296056270-FRA09"  # Anna Bērziņa's


def test_a_download_with_the_tsa_down_is_try_again_later(
    tmp_path: Path, database_url: str, accounts: Any
) -> None:
    with serving_portal(tmp_path, database_url, accounts) as stand:
        key = stand.runtime.issuer.eseal
        dead = SigningSettings(tsa_url="http://127.0.0.1:9/tsa", ocsp_url="http://127.0.0.1:9/",
                               validation_timeout=2)
        sealer = Sealer(key, ValidationClient(dead), load_anchors(tmp_path / "keys" / "ca.pem"))
        stand.runtime.issuer = DocumentIssuer(sealer, lambda: datetime.now(UTC))
        browser = sign_in(stand, "anna.berzina")
        answer = browser.get(f"{stand.url}certificate", params={"number": NUMBER}, timeout=30)
        with stand.engine.connect() as conn:
            kept = conn.scalar(select(Document.edoc).where(Document.number == NUMBER))
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Lūdzu, mēģiniet vēlāk." in answer.text
    assert kept is None
