"""The bundled demo data set and its generator (``python -m gateway.demo.generate``)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_DATA = DATA_DIR / "demo.json"
"""The demo import file (RULES §9)."""
DEMO_REGISTRY = DATA_DIR / "registry.json"
"""The register simulator's fixture matching the demo data (RULES §10)."""
