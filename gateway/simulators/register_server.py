"""An HTTP server for the simulator: the standard library's, one thread per request."""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

if TYPE_CHECKING:
    from gateway.simulators.register import RegisterSimulator

log = logging.getLogger(__name__)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False  # a delayed handler must not hold up stop()
    allow_reuse_address = True


class _ThreadingWSGIServer6(_ThreadingWSGIServer):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to the log at DEBUG, not to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


@dataclass
class RunningSimulator:
    """A simulator serving in a background thread."""

    app: RegisterSimulator
    server: WSGIServer
    thread: threading.Thread
    url: str

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        """Stop serving and free the port; waiting requests are cut short."""
        self.app.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_in_thread(app: RegisterSimulator, host: str, port: int) -> RunningSimulator:
    """Bind ``host:port`` now (so the port is known), then serve in a daemon thread."""
    server_class = _ThreadingWSGIServer6 if ":" in host else _ThreadingWSGIServer
    server = make_server(host, port, app, server_class=server_class, handler_class=_QuietHandler)
    bound = server.server_address[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound}/"
    app.base_url = url
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"registry-sim:{bound}",
        daemon=True,
    )
    thread.start()
    log.info("register simulator listening on %s", url)
    return RunningSimulator(app, server, thread, url)
