"""``gateway serve``: the WSGI application under gunicorn.

Each worker builds its own :class:`~gateway.runtime.Runtime` after the fork (database pool,
register client, signing key), so no connection or socket is shared between processes.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from gateway.settings import Settings

log = logging.getLogger(__name__)


class GatewayServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn with its options from the gateway's settings, not from a config file."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Any:
        from gateway.runtime import Runtime
        from gateway.soap.app import create_app

        return create_app(Runtime.build(self.settings))


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Run the gateway until stopped (SIGTERM or SIGINT)."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vpis-gateway",
        "control_socket_disable": True,  # several gateways may run side by side (tests)
    }
    log.info("serving on http://%s:%d/ with %d workers", host, port, workers)
    GatewayServer(settings, options).run()
