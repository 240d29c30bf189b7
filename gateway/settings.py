"""The gateway's settings: one typed object, built once at the entry point and passed in.

Values come, lowest precedence first, from the defaults here, a TOML file (the CLI's
``--config``, else the file named by ``GATEWAY_CONFIG``, else ``config/gateway.toml`` under the
working directory: the checkout's, when run from it), and ``GATEWAY_*`` environment variables.
Unsafe values are refused at start-up with a message that names the setting; with
``environment = "production"``, so are the demo's keys, clients and clock
(:mod:`gateway.production`).
"""

from __future__ import annotations

import os
import tomllib
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from gateway.errors import CommandRefused, ConfigurationError
from gateway.portal.settings import PortalSettings
from gateway.signing.config import SigningSettings
from gateway.xmlsafe import XmlLimits

DEMO_PORTAL = "LV/GOV/90000026101/LVPORTAALS"
"""latvija.gov.lv's X-Road subsystem in the demo configuration."""
DEMO_VIIS = "LV/GOV/90000022399/VIIS"
"""The VIIS subsystem of the demo configuration (``config/gateway.toml``)."""
DEFAULT_CONFIG = Path("config") / "gateway.toml"
"""The configuration file when none is named: under the working directory (the checkout's, as
``scripts/`` run from it). The package computes no path from where it is installed; a missing
file is no error (the defaults here apply, anchored at ``config/`` under the working directory)."""
DEMO_VERIFIER = "LV/EDU/90000076669/LU"
"""A demo verifier (a university's subsystem), allowed on verifyCertificate only."""
ClientKind = Literal["portal", "school", "viis", "verifier"]
"""What an X-Road client is, for the access log (RULES §13)."""
_NAMED_CONFIG: ContextVar[Path | None] = ContextVar("gateway_named_config", default=None)


def config_file() -> Path:
    """The configuration file in force: the one given to :func:`load_settings` (the CLI's
    ``--config``), else ``GATEWAY_CONFIG``, else :data:`DEFAULT_CONFIG`."""
    named = _NAMED_CONFIG.get() or os.environ.get("GATEWAY_CONFIG")
    return Path(named).absolute() if named else DEFAULT_CONFIG.absolute()


class XRoadMember(BaseModel):
    """An X-Road subsystem identifier (X-Road message protocol v4.0, §2.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance: str = Field("LV", description="X-Road instance, e.g. LV or LV-TEST.")
    member_class: str = Field("GOV", description="Member class: GOV, COM, NGO …")
    member_code: str = Field(..., description="Registration code of the member.")
    subsystem_code: str = Field(..., description="Subsystem code.")

    @field_validator("instance", "member_class", "member_code", "subsystem_code")
    @classmethod
    def _token(cls, value: str) -> str:
        if not value or len(value) > 64 or not value.isascii() or not value.isprintable():
            raise ValueError("must be 1–64 printable ASCII characters")
        if any(c.isspace() for c in value):
            raise ValueError("must not contain white space")
        return value


class Settings(BaseSettings):
    """Every setting of the gateway. Each field's description is its documentation."""

    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    environment: Literal["development", "production"] = Field(
        "development",
        description="development: the demo's keys, clients and clock are allowed; production: "
        "the gateway refuses to start with any of them (gateway.production).",
    )
    clock_start: datetime | None = Field(
        None,
        description="Demo and tests only: the gateway's clock starts at this instant (ISO 8601 "
        "with a UTC offset) when the process starts and runs on from there; production refuses "
        "it. Empty: the system clock.",
    )
    data_dir: Path = Field(
        Path("../var"),
        description="Directory for the SQLite database and generated keys; a relative path is "
        "taken from the configuration file's directory, never from the working directory.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; empty: SQLite file gateway.db in data_dir. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    database_pool_size: int = Field(5, ge=1, le=100, description="Connections per process.")
    registry_url: str = Field(
        "http://127.0.0.1:8081/",
        description="Endpoint of the population register service (or its simulator).",
    )
    registry_connect_timeout: float = Field(
        2.0, gt=0, le=30, description="Seconds to wait for the register's TCP connection."
    )
    registry_read_timeout: float = Field(
        3.0, gt=0, le=60, description="Seconds to wait for the register's answer."
    )
    registry_cache_ttl: float = Field(
        300.0, ge=0, le=86400, description="Seconds a register answer is reused (0: never)."
    )
    registry_cache_size: int = Field(
        10000, ge=0, le=1_000_000, description="Most register answers kept in memory."
    )
    xroad_self: XRoadMember = Field(
        default_factory=lambda: XRoadMember(
            instance="LV", member_class="GOV", member_code="90000022399", subsystem_code="VPIS"
        ),
        description="The gateway's own X-Road subsystem (VISC's VPIS).",
    )
    registry_service: XRoadMember = Field(
        default_factory=lambda: XRoadMember(
            instance="LV", member_class="GOV", member_code="90000002651", subsystem_code="PMLP"
        ),
        description="The population register's X-Road subsystem.",
    )
    prison_registry_url: str = Field(
        "http://127.0.0.1:8083/",
        description="Endpoint of the Prison Administration's resocialisation register "
        "(or its simulator: gateway registry-sim --register ievp).",
    )
    prison_registry_service: XRoadMember = Field(
        default_factory=lambda: XRoadMember(
            instance="LV", member_class="GOV", member_code="90000027165", subsystem_code="IEVP"
        ),
        description="The Prison Administration register's X-Road subsystem.",
    )

    public_url: str = Field(
        "http://127.0.0.1:8080/",
        description="The gateway's address as callers see it; written into the served WSDL.",
    )
    host: str = Field("127.0.0.1", description="Address `gateway serve` listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port `gateway serve` listens on.")
    workers: int = Field(2, ge=1, le=64, description="gunicorn worker processes.")
    worker_class: Literal["sync", "gthread"] = Field(
        "gthread",
        description="gunicorn worker type: gthread keeps connections alive; sync does not.",
    )
    threads: int = Field(
        32, ge=1, le=64,
        description="Threads per gthread worker: one per connection it serves at once; a "
        "call waiting for the register holds one (issue 27).",
    )
    cpu_slots: int = Field(
        1, ge=0, le=64,
        description="Threads of a worker that may compute at once; the others wait in turn, "
        "and a call waiting for a register gives its slot back (0: no limit). See "
        "docs/OPERATIONS.md, \"Results day\".",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text for people or JSON for a log collector."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Least severe level logged (DEBUG logs whole payloads)."
    )
    body_read_timeout: float = Field(
        1.0, gt=0, le=60, description="Seconds to wait for each piece of a request body."
    )
    max_request_bytes: int = Field(
        65536, ge=1024, le=10 * 1024 * 1024, description="Largest SOAP request accepted."
    )
    audit_group_commit: bool = Field(
        False,
        description="Commit the audit records of concurrent calls together (each answer still "
        "waits for its record's commit); false: one commit per record. Off by default: the "
        "results-day benchmark has not shown it to save CPU on SQLite (docs/OPERATIONS.md).",
    )
    subject_limit: int = Field(
        20,
        ge=1,
        le=10000,
        description="Most different other persons one requester may ask about per window.",
    )
    subject_window_hours: float = Field(
        24.0, gt=0, le=24 * 31, description="The window of subject_limit, in hours."
    )
    xml_limits: XmlLimits = Field(
        default_factory=lambda: XmlLimits(),
        description="Limits on the shape of a request document (depth, counts, lengths).",
    )
    signing: SigningSettings = Field(
        default_factory=SigningSettings,
        description="Signing keys; with none configured, demo keys are made under data_dir.",
    )
    portal: PortalSettings = Field(
        default_factory=lambda: PortalSettings(),
        description="The eksameni.gov.lv student portal under /portal/ (RULES §11).",
    )
    allowed_clients: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per service code, the X-Road clients allowed to call it, written "
        "INSTANCE/CLASS/MEMBER[/SUBSYSTEM]; behind the security server's own access rights. "
        "None by default; the service codes are checked against the operation table at start.",
    )

    client_kinds: dict[str, ClientKind] = Field(
        default_factory=lambda: dict[str, ClientKind]({DEMO_VERIFIER: "verifier",
                                                       DEMO_VIIS: "viis"}),
        description="Per X-Road client (INSTANCE/CLASS/MEMBER[/SUBSYSTEM]), what it is: "
        "portal, school, viis or verifier; the access log names accessors by it.",
    )
    verify_limit: int = Field(
        200, ge=1, le=1_000_000,
        description="Most verifyCertificate calls one client may make per verify window.",
    )
    verify_window_minutes: float = Field(
        60.0, gt=0, le=24 * 60, description="The window of verify_limit, in minutes."
    )
    share_key_file: Path | None = Field(
        None,
        description="The key (32+ random bytes) of the share codes' keyed hashes (RULES §14); "
        "every instance on one database reads the same. Empty: data_dir/share-code.key, "
        "made on first use.",
    )
    verify_url: str | None = Field(
        None,
        description="The public verification page's address (RULES §14), printed on "
        "certificates and in share links. Empty: /verify beside portal.public_url.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)

    @field_validator("data_dir")
    @classmethod
    def _anchored(cls, value: Path) -> Path:
        if value.is_absolute():
            return value
        return Path(os.path.normpath(config_file().parent / value))

    @field_validator("registry_url", "public_url", "prison_registry_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.username or parts.password:
            raise ValueError("must not carry credentials")
        return value

    @field_validator("clock_start", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("must carry a UTC offset, e.g. 2026-11-28T10:00:00+00:00")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        dialect = value.split(":", 1)[0].split("+", 1)[0]
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError("only sqlite and postgresql databases are supported")
        if dialect == "sqlite" and (value.rstrip("/") == "sqlite:" or ":memory:" in value):
            raise ValueError("an in-memory SQLite database loses everything; name a file")
        return value

    @field_validator("allowed_clients")
    @classmethod
    def _allow_list(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for clients in value.values():
            for client in clients:
                _check_client_id(client)
        return value

    @field_validator("client_kinds")
    @classmethod
    def _kinds(cls, value: dict[str, ClientKind]) -> dict[str, ClientKind]:
        for client in value:
            _check_client_id(client)
        return value

    @property
    def effective_database_url(self) -> str:
        """The database URL in force: the configured one, or SQLite under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gateway.db').resolve()}"


def _check_client_id(client: str) -> None:
    parts = client.split("/")
    if len(parts) not in (3, 4) or not all(
        p and p.isascii() and p.isprintable() and " " not in p for p in parts
    ):
        raise ValueError(f"{client!r} is not INSTANCE/CLASS/MEMBER[/SUBSYSTEM]")


def check_config_file(config: Path | None = None) -> None:
    """Refuse a configuration file that cannot be used, before anything reads or writes.

    A file named with ``config`` (the CLI's ``--config``) or ``GATEWAY_CONFIG`` must exist and
    be a readable file: a typo must not start the gateway against another database (the
    defaults' ``data_dir``). The default ``config/gateway.toml`` may be absent. Any file that is
    there must be valid TOML."""
    if config is not None:
        path, origin = config.absolute(), "--config"
    elif os.environ.get("GATEWAY_CONFIG"):
        path, origin = Path(os.environ["GATEWAY_CONFIG"]).absolute(), "GATEWAY_CONFIG"
    else:
        path, origin = DEFAULT_CONFIG.absolute(), ""
        if not path.exists():
            return
    where = f"{path} ({origin})" if origin else str(path)
    fix = f"name an existing settings file with {origin}" if origin else "fix or remove it"
    if not path.exists():
        raise CommandRefused("configuration file not found", where, fix)
    if not path.is_file():
        raise CommandRefused("configuration file is not a file", where, fix)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
        raise CommandRefused(f"configuration file cannot be read ({reason})", where,
                             "check its permissions and encoding") from None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CommandRefused(f"configuration file is not valid TOML ({exc})", where,
                             "correct the TOML syntax at that place") from None


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings at an entry point; refuse unsafe values with a clear message.

    ``config`` names the TOML file (default: :func:`config_file`); a named file that does not
    exist, cannot be read or is not TOML is refused (:func:`check_config_file`)."""
    check_config_file(config)
    token = _NAMED_CONFIG.set(config.absolute() if config is not None else None)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigurationError(f"refused settings: {problems}") from None
    finally:
        _NAMED_CONFIG.reset(token)
