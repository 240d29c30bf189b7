"""``gateway ejournal-sim``: the e-journal OpenID Connect simulator on loopback."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
import threading
from dataclasses import dataclass
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, make_server

from gateway.errors import ConfigurationError
from gateway.portal.settings import PLACEHOLDER_CLIENT_SECRET
from gateway.settings import Settings
from gateway.simulators.ejournal.accounts import demo_accounts
from gateway.simulators.ejournal.provider import (
    Client,
    Misbehaviour,
    ProviderState,
    create_provider,
)

log = logging.getLogger(__name__)


@dataclass
class RunningProvider:
    """A provider serving in a background thread."""

    state: ProviderState
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def issuer(self, name: str) -> str:
        return f"{self.url}/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningProvider:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_provider(state: ProviderState, host: str = "127.0.0.1", port: int = 0
                   ) -> RunningProvider:
    """Bind now (port 0: any free one) and serve in a daemon thread."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ConfigurationError("the e-journal simulator binds loopback addresses only")
    server = make_server(host, port, create_provider(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"ejournal-sim:{server.server_port}", daemon=True)
    thread.start()
    return RunningProvider(state, server, thread)


def run_from_cli(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until interrupted; the exit code."""
    portal = settings.portal
    clients = {
        p.client_id: Client(p.client_id, p.client_secret, portal.public_url)
        for p in portal.providers
    } or {"vpis-portal": Client("vpis-portal", PLACEHOLDER_CLIENT_SECRET, portal.public_url)}
    state = ProviderState(demo_accounts(), clients,
                          misbehaviour=Misbehaviour(args.misbehave))
    running = start_provider(state, args.host, args.port)
    sys.stdout.write(f"e-journal simulator serving on {running.url}/eklase and /mykoob\n")
    sys.stdout.flush()
    log.info("e-journal simulator: %d accounts, misbehaviour %s", len(state.accounts),
             state.misbehaviour.value)
    try:
        while running.thread.is_alive():
            running.thread.join(timeout=0.5)
    except KeyboardInterrupt:
        log.info("e-journal simulator stopping")
    finally:
        running.stop()
    return 0
