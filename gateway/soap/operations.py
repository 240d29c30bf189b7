"""The operation table: every X-Road operation the gateway publishes, declared once, by the
adapter of its e-service (:mod:`gateway.soap.adapters`).

spyne's dispatch, the service codes that settings and the allow-list accept, and the metrics'
labels all come from here; a test checks that this table, ``vpis.xsd`` and ``vpis.wsdl`` agree
operation by operation. README "Adding an operation" says where a new one goes.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import ConfigurationError
from gateway.settings import Settings, config_file
from gateway.soap.adapters import access_log, appeals, documents, institution, results, verification
from gateway.soap.operation import Operation

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    *results.OPERATIONS,
    *documents.OPERATIONS,
    *institution.OPERATIONS,
    *verification.OPERATIONS,
    *access_log.OPERATIONS,
    *appeals.OPERATIONS,
)

BY_CODE: dict[str, Operation[Any, Any]] = {op.code: op for op in OPERATIONS}
SERVICE_CODES: tuple[str, ...] = tuple(BY_CODE)
"""The X-Road service codes the gateway publishes."""


def check_allow_list(settings: Settings) -> None:
    """Refuse an allow-list that names a service code the table does not publish (``gateway
    init`` and ``gateway serve`` ask before anything is written or any worker forks)."""
    unknown = sorted(set(settings.allowed_clients) - set(SERVICE_CODES))
    if unknown:
        raise ConfigurationError(
            f"unknown service code {unknown[0]!r} in allowed_clients: {config_file()} or "
            f"GATEWAY_ALLOWED_CLIENTS: use one of {', '.join(SERVICE_CODES)}"
        )
