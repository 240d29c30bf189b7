"""Settings: defaults, the TOML file, GATEWAY_* variables, and unsafe values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigurationError
from gateway.settings import load_settings
from gateway.soap.operations import SERVICE_CODES
from tests.stand import REPO


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("GATEWAY_"):
            monkeypatch.delenv(name)


def test_defaults_come_from_the_committed_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # config/gateway.toml is looked up under the working directory
    settings = load_settings()
    assert settings.data_dir == REPO / "var"
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("/var/gateway.db")
    assert settings.xroad_self.subsystem_code == "VPIS"


def test_without_a_config_file_the_defaults_are_the_committed_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An installed gateway run outside the checkout behaves as the committed file says, except
    that it allows no client until one is configured (the file allows the demo portal), and that
    its data_dir is ``var`` beside where the file would be (``config/../var``)."""
    monkeypatch.chdir(tmp_path)
    built_in = load_settings()
    assert built_in.data_dir == tmp_path / "var"
    assert built_in.allowed_clients == {}
    monkeypatch.setenv("GATEWAY_CONFIG", str(REPO / "config" / "gateway.toml"))
    committed = load_settings()
    assert committed.data_dir == REPO / "var"
    assert set(committed.allowed_clients) == set(SERVICE_CODES)
    same = {"allowed_clients": {}, "data_dir": built_in.data_dir}
    assert committed.model_copy(update=same) == built_in
    assert built_in.environment == "development"


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_REGISTRY_URL", "https://pmlp.example.lv/xroad")
    monkeypatch.setenv("GATEWAY_XROAD_SELF__MEMBER_CODE", "40000000000")
    monkeypatch.setenv("GATEWAY_DATABASE_URL", "postgresql+psycopg://gw@db:5432/vpis")
    settings = load_settings()
    assert settings.registry_url == "https://pmlp.example.lv/xroad"
    assert settings.xroad_self.member_code == "40000000000"
    assert settings.xroad_self.subsystem_code == "VPIS"  # the rest of the group stays
    assert settings.effective_database_url == "postgresql+psycopg://gw@db:5432/vpis"


def test_a_config_file_can_be_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('data_dir = "/srv/vpis"\nregistry_read_timeout = 1.5\n', encoding="utf-8")
    monkeypatch.setenv("GATEWAY_CONFIG", str(config))
    settings = load_settings()
    assert settings.data_dir == Path("/srv/vpis")
    assert settings.registry_read_timeout == 1.5


@pytest.mark.parametrize("how", ["argument", "variable"])
def test_a_relative_data_dir_is_taken_from_the_config_files_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str
) -> None:
    config = tmp_path / "etc" / "gateway.toml"
    config.parent.mkdir()
    config.write_text('data_dir = "../state/vpis"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "etc")  # wherever the command runs, the answer is the same
    if how == "variable":
        monkeypatch.setenv("GATEWAY_CONFIG", str(config))
        settings = load_settings()
    else:
        settings = load_settings(config)
    assert settings.data_dir == tmp_path / "state" / "vpis"
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'state/vpis/gateway.db'}"
    monkeypatch.setenv("GATEWAY_DATA_DIR", "other")  # a relative variable: the same anchor
    assert load_settings(config).data_dir == tmp_path / "etc" / "other"


def test_the_readme_states_the_committed_defaults() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    row = next(line for line in lines if line.startswith("| `GATEWAY_ALLOWED_CLIENTS`"))
    allowed = load_settings().allowed_clients
    assert set(allowed) == set(SERVICE_CODES)
    portal = [c for c in SERVICE_CODES if allowed[c] == ["LV/GOV/90000026101/LVPORTAALS"]]
    viis = [c for c in SERVICE_CODES if allowed[c] == ["LV/GOV/90000022399/VIIS"]]
    assert len(portal) == 10 and "latvija.gov.lv subsystem on the ten citizen services" in row
    assert viis == ["getInstitutionResults"] and "VIIS subsystem on `getInstitutionResults`" in row
    verifiers = [c for c in SERVICE_CODES if allowed[c] == ["LV/EDU/90000076669/LU"]]
    assert verifiers == ["verifyCertificate", "verifyShare"]
    assert "verifier on `verifyCertificate` and `verifyShare`" in row
    data_dir_row = next(line for line in readme.splitlines()
                        if line.startswith("| `GATEWAY_DATA_DIR`"))
    assert "configuration file" in data_dir_row


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("GATEWAY_REGISTRY_URL", "ftp://pmlp/", "registry_url"),
        ("GATEWAY_REGISTRY_URL", "http://user:secret@pmlp/", "credentials"),
        ("GATEWAY_REGISTRY_URL", "not a url", "registry_url"),
        ("GATEWAY_DATABASE_URL", "mysql://root@db/vpis", "only sqlite and postgresql"),
        ("GATEWAY_DATABASE_URL", "sqlite://", "in-memory"),
        ("GATEWAY_DATABASE_URL", "sqlite:///:memory:", "in-memory"),
        ("GATEWAY_REGISTRY_READ_TIMEOUT", "0", "registry_read_timeout"),
        ("GATEWAY_REGISTRY_READ_TIMEOUT", "600", "registry_read_timeout"),
        ("GATEWAY_DATABASE_POOL_SIZE", "-1", "database_pool_size"),
        ("GATEWAY_XROAD_SELF__MEMBER_CODE", "9000 0022", "white space"),
    ],
)
def test_unsafe_values_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=words):
        load_settings()


def test_an_unknown_key_in_the_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('registry_ulr = "http://typo/"\n', encoding="utf-8")
    monkeypatch.setenv("GATEWAY_CONFIG", str(config))
    with pytest.raises(ConfigurationError, match="registry_ulr"):
        load_settings()
