"""The operation table: every X-Road operation the gateway publishes, declared once, by the
adapter of its e-service (:mod:`gateway.soap.adapters`).

spyne's dispatch, the service codes that settings and the allow-list accept, and the metrics'
labels all come from here; a test checks that this table, ``vpis.xsd`` and ``vpis.wsdl`` agree
operation by operation. README "Adding an operation" says where a new one goes.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import ConfigurationError
from gateway.settings import Settings
from gateway.soap.adapters import (
    access_log,
    appeals,
    documents,
    institution,
    results,
    shares,
    verification,
)
from gateway.soap.operation import Operation

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    *results.OPERATIONS,
    *documents.OPERATIONS,
    *institution.OPERATIONS,
    *verification.OPERATIONS,
    *access_log.OPERATIONS,
    *appeals.OPERATIONS,
    *shares.OPERATIONS,
)

BY_CODE: dict[str, Operation[Any, Any]] = {op.code: op for op in OPERATIONS}
SERVICE_CODES: tuple[str, ...] = tuple(BY_CODE)
"""The X-Road service codes the gateway publishes."""


def check_allow_list(settings: Settings) -> None:
    """Refuse an allow-list that names a service code the table does not publish."""
    unknown = sorted(set(settings.allowed_clients) - set(SERVICE_CODES))
    if unknown:
        raise ConfigurationError(
            f"refused settings: allowed_clients: unknown service code {unknown[0]!r} "
            f"(published: {', '.join(SERVICE_CODES)})"
        )
