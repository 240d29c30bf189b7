"""The bundled demo data set and its generator (``python -m gateway.demo.generate``).

The demo lives on one fixed day, :data:`DEMO_TODAY`: the generator chooses every age, relation
and publication date relative to it, ``docs/demo-people.md`` describes the people as they are on
it, and the demo and the tests run the gateway with its clock started at :data:`DEMO_CLOCK_START`
(setting ``clock_start``), so nobody turns 18 and no session gets published on the wall
clock's account.
"""

from datetime import UTC, date, datetime
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_DATA = DATA_DIR / "demo.json"
"""The demo import file (RULES §9)."""
DEMO_REGISTRY = DATA_DIR / "registry.json"
"""The register simulator's fixture matching the demo data (RULES §10)."""
DEMO_TODAY = date(2026, 11, 28)
"""The demo's "today": the one reference date of the demo data, the demo people and the tests."""
DEMO_CLOCK_START = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 10, 0, tzinfo=UTC)
"""The instant the demo's and the tests' gateways start their clocks at (noon in Riga)."""
DEMO_CORRECTIONS = DATA_DIR / "corrections.json"
"""What VISC sent after the results (RULES §13): a corrected result with its new certificate,
which supersedes the old one, and a revoked certificate. ``gateway demo`` loads it over
``demo.json``."""
DEMO_STAFF = DATA_DIR / "ejournal-staff.json"
"""The e-journal simulator's school staff accounts: school administrators (RULES §12)."""
DEMO_PRISON = DATA_DIR / "prison.json"
"""The Prison Administration simulator's fixture (``gateway registry-sim --register ievp``)."""
