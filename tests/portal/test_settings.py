"""Portal settings: validation and the values production refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.errors import ConfigurationError
from gateway.portal.settings import PortalSettings, Provider
from gateway.settings import load_settings


def test_demo_defaults_are_named_as_unsafe() -> None:
    problems = PortalSettings().production_problems()
    assert "portal.secret_key is the demo placeholder" in problems
    assert "portal.country_database is not set" in problems
    assert "portal.providers[eklase].client_secret is the demo one" in problems


def test_production_values_pass() -> None:
    settings = PortalSettings(
        public_url="https://eksameni.gov.lv/portal/", secret_key="x" * 48,
        country_database=Path("/srv/delegated-ripencc-extended-latest"),
        providers=[Provider(name="eklase", title="E-klase", issuer="https://id.example/oidc",
                            client_secret="real")],  # noqa: S106
    )
    assert settings.production_problems() == []
    assert PortalSettings(secure_cookies=False).production_problems().count(
        "portal.secure_cookies is off") == 1


@pytest.mark.parametrize("values", [
    {"secret_key": "short"},
    {"public_url": "https://eksameni.gov.lv/"},
    {"trusted_proxies": ["10.0.0.0/33"]},
    {"allowed_countries": ["lv"]},
    {"providers": [{"name": "eklase", "title": "A", "issuer": "ftp://x"}]},
    {"providers": [{"name": "a", "title": "A", "issuer": "https://x"}] * 2},
    {"providers": [{"name": "e", "title": "A", "issuer": "https://x"}, {"name": "e", "title":
                   "B", "issuer": "https://y"}]},
])
def test_bad_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PortalSettings.model_validate(values)


def test_nested_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_PORTAL__SECURE_COOKIES", "false")
    monkeypatch.setenv("GATEWAY_PORTAL__TRUSTED_PROXIES", '["10.0.0.0/8"]')
    monkeypatch.setenv("GATEWAY_PORTAL__PROVIDERS",
                       '[{"name": "eklase", "title": "E-klase", "issuer": "https://x/o/"}]')
    settings = load_settings()
    assert settings.portal.secure_cookies is False
    assert settings.portal.trusted_proxies == ("10.0.0.0/8",)
    assert settings.portal.providers[0].issuer == "https://x/o"
    monkeypatch.setenv("GATEWAY_PORTAL__SESSION_MINUTES", "0")
    with pytest.raises(ConfigurationError, match=r"portal\.session_minutes"):
        load_settings()
