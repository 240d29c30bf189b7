"""Settings of the eksameni.gov.lv portal (RULES §11): a nested group ``portal`` of the settings.

Environment variables: ``GATEWAY_PORTAL__SECRET_KEY``, ``GATEWAY_PORTAL__SECURE_COOKIES`` …;
the providers as JSON in ``GATEWAY_PORTAL__PROVIDERS``.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

PLACEHOLDER_SECRET = "change-me-demo-only-portal-secret-key"  # noqa: S105  (refused in production)
"""The demo's session secret; ``production_problems`` names it."""
PLACEHOLDER_CLIENT_SECRET = "demo-client-secret"  # noqa: S105  (the simulator's; refused too)
BALTIC = ("LV", "LT", "EE")


class Provider(BaseModel):
    """One school e-journal as an OpenID Connect provider (E-klase, Mykoob)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(..., pattern=r"^[a-z][a-z0-9]{1,31}$",
                      description="Key in URLs, e.g. eklase.")
    title: str = Field(..., min_length=1, max_length=60, description="Shown on the button.")
    issuer: str = Field(..., description="The provider's issuer URL (its discovery document "
                        "is at ISSUER/.well-known/openid-configuration).")
    client_id: str = Field(default="vpis-portal", min_length=1, description="Our client id there.")
    client_secret: str = Field(default=PLACEHOLDER_CLIENT_SECRET, min_length=1,
                               description="Our client secret there (client_secret_basic).")
    personal_code_claim: str = Field(
        default="personal_code", min_length=1,
        description="The ID-token claim carrying the student's personal code.",
    )
    school_admin_claim: str = Field(
        default="school_admin", min_length=1,
        description="The ID-token claim listing the institution codes whose school "
        "administrator the user is (RULES §12); absent for students.",
    )

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.query or parts.fragment or parts.username:
            raise ValueError("must not carry a query, fragment or credentials")
        return value.rstrip("/")


def _demo_providers() -> list[Provider]:
    return [
        Provider(name="eklase", title="E-klase", issuer="http://127.0.0.1:8082/eklase"),
        Provider(name="mykoob", title="Mykoob", issuer="http://127.0.0.1:8082/mykoob"),
    ]


class PortalSettings(BaseModel):
    """The student portal: sign-in, sessions, the Baltic check, limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=True, description="Serve the portal under /portal/ of `gateway serve`."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8080/portal/",
        description="The portal's address as browsers see it; the OIDC redirect URIs hang off it.",
    )
    secret_key: str = Field(
        default=PLACEHOLDER_SECRET, min_length=32,
        description="Key signing the session cookie (32 characters or more; the same in "
        "every worker).",
    )
    secure_cookies: bool = Field(
        default=True,
        description="Mark cookies Secure (HTTPS only); off only for the local http demo.",
    )
    session_minutes: int = Field(
        default=15, ge=1, le=240,
        description="Minutes without a request after which a sign-in ends.",
    )
    session_max_minutes: int = Field(
        default=120, ge=5, le=1440,
        description="Minutes after sign-in at which a session ends however active it is "
        "(its absolute lifetime; at least session_minutes).",
    )
    providers: list[Provider] = Field(
        default_factory=_demo_providers,
        description="The e-journals students sign in with (defaults: the local simulator).",
    )
    country_database: Path | None = Field(
        default=None,
        description="The RIR delegated-statistics file (e.g. delegated-ripencc-extended-latest); "
        "empty: <data_dir>/country/delegated.txt. Without it every client is refused.",
    )
    allowed_countries: tuple[str, ...] = Field(
        default=BALTIC,
        description="ISO 3166 codes of the countries the portal answers (RULES §11).",
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=(), description="Networks of reverse proxies whose X-Forwarded-For is believed.",
    )
    audit_client: str = Field(
        default="VPIS/eksameni.gov.lv", min_length=1, max_length=300,
        description="The client name written into the portal's audit records (RULES §7).",
    )
    sign_in_limit: int = Field(
        default=20, ge=1, le=10000,
        description="Sign-in attempts per client address per rate window.",
    )
    download_limit: int = Field(
        default=30, ge=1, le=10000,
        description="Certificate downloads per client address per window.",
    )
    school_download_limit: int = Field(
        default=300, ge=1, le=100000,
        description="School staff downloads (one .edoc, a ZIP or a report each) per client "
        "address per window (RULES §12).",
    )
    rate_window_seconds: float = Field(
        default=600.0, gt=0, le=86400, description="The window of the sign-in and download limits.",
    )
    provider_timeout: float = Field(
        default=5.0, gt=0, le=60,
        description="Seconds to wait for an e-journal's discovery/token/JWKS.",
    )

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if not parts.path.endswith("/portal/"):
            raise ValueError("must end with /portal/")
        return value

    @field_validator("session_max_minutes")
    @classmethod
    def _lifetime(cls, value: int, info: ValidationInfo) -> int:
        idle = info.data.get("session_minutes")
        if isinstance(idle, int) and value < idle:
            raise ValueError("must be at least session_minutes")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names it
        return value

    @field_validator("allowed_countries")
    @classmethod
    def _countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if len(code) != 2 or not code.isascii() or not code.isupper():
                raise ValueError(f"{code!r} is not a two-letter ISO 3166 code")
        return value

    @field_validator("providers")
    @classmethod
    def _unique(cls, value: list[Provider]) -> list[Provider]:
        names = [p.name for p in value]
        if len(set(names)) != len(names):
            raise ValueError("provider names must be unique")
        return value

    def production_problems(self) -> list[str]:
        """Each value unsafe for production, named (the production check refuses to start)."""
        problems = []
        if self.secret_key == PLACEHOLDER_SECRET:
            problems.append("portal.secret_key is the demo placeholder")
        if not self.secure_cookies:
            problems.append("portal.secure_cookies is off")
        if urlsplit(self.public_url).scheme != "https":
            problems.append("portal.public_url is not https")
        for provider in self.providers:
            if provider.client_secret == PLACEHOLDER_CLIENT_SECRET:
                problems.append(f"portal.providers[{provider.name}].client_secret is the demo one")
            if urlsplit(provider.issuer).scheme != "https":
                problems.append(f"portal.providers[{provider.name}].issuer is not https")
        if self.enabled and self.country_database is None:
            problems.append("portal.country_database is not set")
        return problems
