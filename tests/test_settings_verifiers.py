"""Settings for third parties: verifiers, client kinds, verification rate, prison register."""

from __future__ import annotations

import pytest

from gateway.errors import ConfigurationError
from gateway.settings import DEMO_PORTAL, DEMO_VERIFIER, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("GATEWAY_"):
            monkeypatch.delenv(name)


def test_only_the_demo_verifier_may_verify_by_default() -> None:
    settings = load_settings()
    assert settings.allowed_clients["verifyCertificate"] == [DEMO_VERIFIER]
    assert DEMO_PORTAL in settings.allowed_clients["getAccessLog"]
    assert DEMO_PORTAL in settings.allowed_clients["submitAppeal"]
    assert settings.client_kinds == {DEMO_VERIFIER: "verifier",
                                     "LV/GOV/90000022399/VIIS": "viis"}
    assert (settings.verify_limit, settings.verify_window_minutes) == (200, 60.0)
    assert settings.prison_registry_url == "http://127.0.0.1:8083/"


@pytest.mark.parametrize(("setting", "value", "name"), [
    ("client_kinds", {"LV/GOV": "school"}, "client_kinds"),
    ("client_kinds", {DEMO_VERIFIER: "bank"}, "client_kinds"),
    ("verify_limit", 0, "verify_limit"),
    ("verify_window_minutes", 0, "verify_window_minutes"),
    ("prison_registry_url", "ftp://prisons", "prison_registry_url"),
    ("prison_registry_url", "http://user:pw@prisons/", "prison_registry_url"),
])
def test_unsafe_values_are_refused_naming_the_setting(setting: str, value: object,
                                                      name: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings(**{setting: value})


def test_kinds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CLIENT_KINDS", '{"LV/GOV/90001234567/VIIS": "viis"}')
    assert load_settings().client_kinds["LV/GOV/90001234567/VIIS"] == "viis"
