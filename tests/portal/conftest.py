"""A real portal on 127.0.0.1 (werkzeug's server, the same dispatcher ``gateway serve`` runs)
in front of the demo data, and the e-journal simulator as a real OIDC provider beside it."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import Engine
from werkzeug.serving import make_server

from gateway.portal.settings import PortalSettings, Provider
from gateway.runtime import Runtime
from gateway.serve import combined_app
from gateway.settings import load_settings
from gateway.simulators.ejournal.accounts import DEMO_PASSWORD, demo_accounts
from gateway.simulators.ejournal.provider import Client, ProviderState, _new_key
from gateway.simulators.ejournal.server import RunningProvider, start_provider
from tests.databases import DEMO, prepare
from tests.demo_keys import demo_runtime
from tests.portal.countries import write_countries
from tests.stand import listening_socket

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
"""The demo data's "today": the 2025/2026 sessions (July 2026) are inside the six months."""
SECRET = "test-portal-secret-0123456789abcdef0123"  # noqa: S105
CLIENT_SECRET = "test-client-secret"  # noqa: S105


@dataclass
class PortalStand:
    url: str  # …/portal/
    provider: RunningProvider
    runtime: Runtime
    settings: PortalSettings

    @property
    def engine(self) -> Engine:
        return self.runtime.engine


@pytest.fixture(scope="module")
def accounts() -> Any:
    return demo_accounts()


def portal_settings(portal_url: str, issuer_base: str, countries: Path, **extra: Any
                    ) -> PortalSettings:
    values: dict[str, Any] = {
        "secure_cookies": False,
        "trusted_proxies": ("127.0.0.2/32",),
        "country_database": countries,
        "providers": [
            Provider(name="eklase", title="E-klase", issuer=f"{issuer_base}/eklase",
                     client_secret=CLIENT_SECRET),
            Provider(name="mykoob", title="Mykoob", issuer=f"{issuer_base}/mykoob",
                     client_secret=CLIENT_SECRET),
        ],
    }
    values.update(extra)
    return PortalSettings(public_url=portal_url, secret_key=SECRET, **values)


@contextmanager
def serving_portal(tmp_path: Path, database_url: str, accounts: Any,
                   **extra: Any) -> Iterator[PortalStand]:
    """The demo data in ``database_url``, the simulator, and the portal, all on loopback.

    The database (empty, or the demo's already) and the demo keys are copies of ones made once
    per test process (``tests/databases.py``, ``tests/demo_keys.py``); the e-journal's keys are
    made once per process too."""
    listener = listening_socket()
    port = listener.getsockname()[1]
    portal_url = f"http://127.0.0.1:{port}/portal/"
    clients = {"vpis-portal": Client("vpis-portal", CLIENT_SECRET, portal_url)}
    key, rogue_key = provider_keys()
    with start_provider(ProviderState(accounts, clients, key=key, rogue_key=rogue_key)
                        ) as provider:
        portal = portal_settings(portal_url, provider.url, write_countries(tmp_path), **extra)
        settings = load_settings(data_dir=tmp_path, database_url=database_url, portal=portal)
        prepare(database_url, DEMO)
        runtime = replace(demo_runtime(settings), clock=lambda: NOW)
        with listener:  # werkzeug serves on a duplicate of the listening socket
            server = make_server("127.0.0.1", port, combined_app(runtime), threaded=True,
                                 fd=listener.fileno())
        # A short poll: shutdown() waits for the loop to look (0.5 s by default, every test).
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        try:
            yield PortalStand(portal_url, provider, runtime, portal)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            runtime.close()


@functools.cache
def provider_keys() -> tuple[RSAKey, RSAKey]:
    """The e-journal's signing key and the rogue key it signs lies with, made once per process
    (each is a fresh 2048-bit RSA key; which one does not matter to any test)."""
    return _new_key(), _new_key()


@pytest.fixture
def stand(tmp_path: Path, database_url: str, accounts: Any) -> Iterator[PortalStand]:
    with serving_portal(tmp_path, database_url, accounts) as running:
        yield running


def sign_in(stand: PortalStand, login: str, *, provider: str = "eklase",
            session: requests.Session | None = None, lands: str = "results") -> requests.Session:
    """Go through the whole sign-in as a browser would, over HTTP; the signed-in session,
    which landed on the page ``lands`` (a student's results, a school administrator's school)."""
    browser = session or requests.Session()
    callback = start_sign_in(stand, login, provider=provider, session=browser)
    answer = browser.get(callback, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].endswith(f"/portal/{lands}")
    return browser


def start_sign_in(stand: PortalStand, login: str, *, provider: str = "eklase",
                  session: requests.Session | None = None) -> str:
    """Everything up to the e-journal's redirect back: the callback URL (not yet visited)."""
    browser = session or requests.Session()
    home = browser.get(stand.url, timeout=10)
    assert home.status_code == 200
    token = csrf_of(home.text)
    to_provider = browser.post(f"{stand.url}login/{provider}", data={"csrf_token": token},
                               allow_redirects=False, timeout=10)
    assert to_provider.status_code == 302, to_provider.text
    form = browser.get(to_provider.headers["Location"], timeout=10)
    assert form.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"',
                             form.text))
    fields.update(login=login, password=DEMO_PASSWORD)
    back = browser.post(f"{stand.provider.url}/{provider}/authorize", data=fields,
                        allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    location: str = back.headers["Location"]
    assert location.startswith(f"{stand.url}callback/{provider}?")
    return location


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)
