"""The register fixtures of ``tests/registry`` (the family fixture and a real simulator), for
the service tests that talk to the registers over the wire."""

from tests.registry.conftest import family, simulator

__all__ = ["family", "simulator"]
