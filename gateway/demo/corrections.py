"""The demo data with VISC's later corrections laid over it, as one import document.

Loading the two as one document keeps ``gateway demo`` idempotent: a record of the corrections
replaces the record of ``demo.json`` with the same natural key, so no load undoes another.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gateway.demo import DEMO_CORRECTIONS, DEMO_DATA

_KEYS = {
    "results": ("personal_code", "session", "exam"),
    "documents": ("number",),
}


def overlay(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the records of ``changes`` replacing those with the same key, or added."""
    merged = dict(base)
    for section, keys in _KEYS.items():
        replaced = {tuple(r[k] for k in keys): r for r in changes.get(section, [])}
        kept = [r for r in base.get(section, []) if tuple(r[k] for k in keys) not in replaced]
        merged[section] = kept + list(replaced.values())
    return merged


def demo_document(data: Path = DEMO_DATA, corrections: Path = DEMO_CORRECTIONS) -> dict[str, Any]:
    """The demo import document with its corrections."""
    base = json.loads(data.read_text(encoding="utf-8"))
    return overlay(base, json.loads(corrections.read_text(encoding="utf-8")))


DEMO_APPEAL = {
    "reference": "APL-2026-DEMO0001",
    "document_number": "2025/432728626915-LVA",
    "requester_code": "32551280347",
    "subject_code": "32551280347",
    "role": "student",
    "text": "Lūdzu pārskatīt rakstīšanas daļas vērtējumu.",
    "created_at": datetime(2025, 7, 20, 9, 0, tzinfo=UTC),
}
"""Sofija Vītola's open appeal against her 2025 LVA certificate (filed in time, 2025-07-20):
``listDocuments`` shows it ``under_appeal``, and ``docs/samples/submitAppeal.xml`` is answered
with it (a second appeal returns the open one) on any day."""


DEMO_DECIDED_APPEAL = dict(
    DEMO_APPEAL, reference="APL-2025-DEMO0002", document_number="2025/782130687480-MAT",
    text="Lūdzu pārbaudīt, vai visi uzdevumi ir novērtēti.",
    created_at=datetime(2025, 7, 25, 9, 0, tzinfo=UTC))
"""Sofija's appeal against her 2025 MAT certificate, which VISC rejected: ``listDocuments``
shows the certificate ``valid`` again, its appeal decided ``rejected`` on 2025-08-08."""

DEMO_DECISION = {"appeals": [{
    "reference": "APL-2025-DEMO0002", "decision": "rejected", "decided_on": "2025-08-08"}]}
"""VISC's decision on it, loaded as an import file carries it (RULES §9, §13)."""


def load_demo_appeal(engine: Engine) -> bool:
    """Open the demo appeal unless it is open already, and file and decide the MAT appeal unless
    it is there already; whether the open appeal was new."""
    from sqlalchemy import insert, select

    from gateway.store.appeals import open_appeal
    from gateway.store.importer import import_document
    from gateway.store.models import Appeal

    with engine.begin() as conn:
        _, already = open_appeal(conn, dict(DEMO_APPEAL))
        decided = str(DEMO_DECIDED_APPEAL["reference"])
        if conn.scalar(select(Appeal.id).where(Appeal.reference == decided)) is None:
            conn.execute(insert(Appeal).values(**DEMO_DECIDED_APPEAL, status="open"))
    import_document(engine, json.loads(json.dumps(DEMO_DECISION)))
    return not already
