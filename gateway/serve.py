"""``gateway serve``: the WSGI application under gunicorn.

Each worker builds its own :class:`~gateway.runtime.Runtime` after the fork (database pool,
register client, signing key), so no connection or socket is shared between processes.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = logging.getLogger(__name__)

AppFactory = Callable[[Settings], Any]


def gateway_app(settings: Settings) -> Any:
    """The gateway's WSGI application for one worker."""
    from gateway.runtime import Runtime

    return combined_app(Runtime.build(settings))


def combined_app(runtime: Runtime) -> Any:
    """One process, one runtime: ``/portal/`` is the student portal (RULES §11), the rest the
    SOAP application; the portal is left out when ``portal.enabled`` is off."""
    from gateway.soap.app import create_app

    soap = create_app(runtime)
    if not runtime.settings.portal.enabled:
        return soap
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from gateway.portal.app import create_portal

    return DispatcherMiddleware(soap, {"/portal": create_portal(runtime),
                                       "/verify": verify_redirect})


def verify_redirect(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """``/verify?…`` — the short address printed on certificates and in share links (RULES
    §14) — leads to the public verification page ``/portal/verify?…``, query and all."""
    query = environ.get("QUERY_STRING", "")
    if len(query) > 512 or environ.get("PATH_INFO", "") not in ("", "/"):
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found"]
    target = environ.get("SCRIPT_NAME", "").removesuffix("/verify") + "/portal/verify"
    location = target + ("?" + query if query else "")
    start_response("303 See Other", [("Location", location), ("Content-Length", "0"),
                                     ("Cache-Control", "no-store")])
    return [b""]


class GatewayServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn with its options from the gateway's settings, not from a config file."""

    def __init__(self, settings: Settings, options: dict[str, Any],
                 factory: AppFactory = gateway_app) -> None:
        self.settings = settings
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.factory(self.settings)


def gunicorn_options(settings: Settings, *, host: str, port: int, workers: int
                     ) -> dict[str, Any]:
    """gunicorn's options for the gateway (and for anything measured beside it)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": settings.worker_class,
        "threads": settings.threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "backlog": 512,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vpis-gateway",
        "control_socket_disable": True,  # several gateways may run side by side (tests)
        "child_exit": _child_exit,
    }


def prepare_metrics_dir(directory: Path) -> None:
    """Point every worker's metrics at ``directory`` (emptied), as prometheus_client's
    multiprocess mode wants: before any worker starts and before the library is imported."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess set-up")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _child_exit(server: Any, worker: Any) -> None:
    from gateway.metrics import worker_exited

    worker_exited(worker.pid)


def serve(settings: Settings, *, host: str, port: int, workers: int,
          factory: AppFactory = gateway_app) -> None:
    """Run the application until stopped (SIGTERM or SIGINT)."""
    prepare_metrics_dir(settings.data_dir / "metrics" / str(port))
    options = gunicorn_options(settings, host=host, port=port, workers=workers)
    log.info("serving on http://%s:%d/ with %d %s workers", host, port, workers,
             settings.worker_class)
    GatewayServer(settings, options, factory).run()
