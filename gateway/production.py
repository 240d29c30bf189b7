"""What only a demo may use, refused in production: the start-up check of ``environment``.

With ``environment = "production"`` the gateway refuses to start (``gateway init``, ``serve``,
``demo``) while any part of the demo is configured: the generated demo keys or the demo CA, a
placeholder secret, the demo X-Road client on an allow-list, a fixed clock. Every problem is
listed at once, each naming its setting, so an operator fixes them in one round.

A check is a function from the settings to its problems (``Check``); :data:`CHECKS` are the
gateway's own. Other parts with settings of their own (the portal's cookies and client secret)
pass theirs as ``extra`` to :func:`refuse_demo_parts`.

Demo key material is recognised by the names :mod:`gateway.signing.demo_keys` writes into
every demo certificate: the demo CA's subject (``CN=VPIS demo CA``) is the issuer of every demo
certificate, so a demo key copied to a configured path is refused as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from gateway.errors import ProductionRefused
from gateway.settings import DEMO_PORTAL, DEMO_VERIFIER, DEMO_VIIS, Settings
from gateway.signing.demo_keys import DEMO_CA_COMMON_NAME
from gateway.signing.demo_pki import is_demo_url

Check = Callable[[Settings], Iterable[str]]
"""One production check: the problems it finds, each a sentence that names its setting."""

PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeit",
        "changeme",
        "change-me",
        "secret",
        "password",
        "passw0rd",
        "postgres",
        "admin",
        "test",
        "demo",
        "example",
        "xxx",
        "todo",
    }
)
"""Secrets that only stand in for one (compared without case and surrounding white space)."""


def is_placeholder(secret: str) -> bool:
    """True when ``secret`` is one of the stand-ins of :data:`PLACEHOLDER_SECRETS`."""
    return secret.strip().lower() in PLACEHOLDER_SECRETS


def demo_keys(settings: Settings) -> Iterator[str]:
    """No generated demo key signs, seals or is pinned; no demo certificate is configured."""
    signing = settings.signing
    if signing.uses_demo_keys:
        yield (
            "signing.key_file/signing.pkcs12_file: not set, so answers would be signed with "
            "the generated demo key; mount the gateway's own signing key"
        )
    elif signing.certificate_file is not None:
        yield from _demo_certificates(signing.certificate_file, "signing.certificate_file")
    if signing.uses_demo_eseal:
        yield (
            "signing.eseal_key_file: not set, so e-documents would be sealed with the "
            "generated demo e-seal; mount VISC's e-seal"
        )
    elif signing.eseal_certificate_file is not None:
        yield from _demo_certificates(
            signing.eseal_certificate_file, "signing.eseal_certificate_file"
        )
    if signing.ca_file is None:
        yield "signing.ca_file: not set, so verifiers would pin the generated demo CA"
    else:
        yield from _demo_certificates(signing.ca_file, "signing.ca_file")
    if settings.share_key_file is None:
        yield (
            "share_key_file: not set, so each instance would make its own key under data_dir "
            "and a share code made on one would not verify on another (RULES §14); mount one "
            "key file for every instance"
        )


def long_term_seals(settings: Settings) -> Iterator[str]:
    """E-documents are sealed at XAdES-B-LT (RULES §6) with a real TSA and OCSP responder, not
    without one and not with the demo PKI's (``gateway pki-sim``)."""
    signing = settings.signing
    if signing.tsa_url is None:
        yield (
            "signing.tsa_url: not set, so e-documents would be sealed at XAdES-B-B only; "
            "name the time-stamping authority and signing.ocsp_url (RULES §6)"
        )
    for name in ("tsa_url", "ocsp_url", "crl_url"):
        url = getattr(signing, name)
        if url is not None and is_demo_url(url):
            yield f"signing.{name}: {url} is the demo PKI (gateway pki-sim); name the real one"


def placeholder_secrets(settings: Settings) -> Iterator[str]:
    """No secret the gateway reads is a stand-in such as ``changeme``."""
    password_file = settings.signing.pkcs12_password_file
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            password = None  # the key loader names an unreadable file
        if password is not None and is_placeholder(password):
            yield "signing.pkcs12_password_file: holds a placeholder password"
    if settings.database_url:
        try:
            password = make_url(settings.database_url).password
        except ArgumentError:
            password = None
        if password is not None and is_placeholder(str(password)):
            yield "database_url: carries a placeholder password"


DEMO_CLIENTS = {DEMO_PORTAL: "latvija.gov.lv", DEMO_VIIS: "VIIS", DEMO_VERIFIER: "verifier"}
"""The X-Road clients of the demo configuration, with whose production subsystem replaces each."""


def demo_clients(settings: Settings) -> Iterator[str]:
    """No demo X-Road client (:data:`DEMO_CLIENTS`) is on an allow-list."""
    for service, clients in sorted(settings.allowed_clients.items()):
        for client in clients:
            if client in DEMO_CLIENTS:
                yield (
                    f"allowed_clients.{service}: lists the demo client {client}; "
                    f"name {DEMO_CLIENTS[client]}'s production subsystem"
                )


def fixed_clock(settings: Settings) -> Iterator[str]:
    """The clock is the system's, not the demo's fixed one."""
    if settings.clock_start is not None:
        yield "clock_start: a fixed clock is for the demo and tests only; unset it"


def debug_logs(settings: Settings) -> Iterator[str]:
    """No DEBUG logging: it writes whole payloads, and the sign-in library logs its PKCE
    verifier there (OWASP ASVS 5.0 16.2.5)."""
    if settings.log_level == "DEBUG":
        yield "log_level: DEBUG logs whole payloads and sign-in secrets; use INFO"


def portal_settings(settings: Settings) -> Iterator[str]:
    """The portal's own unsafe values (:meth:`PortalSettings.production_problems`), when it
    is served: a placeholder secret, cookies without ``Secure``, plain http, demo client
    secrets, no country database."""
    if settings.portal.enabled:
        yield from settings.portal.production_problems()


CHECKS: tuple[Check, ...] = (demo_keys, long_term_seals, placeholder_secrets, demo_clients,
                             fixed_clock, debug_logs, portal_settings)
"""The gateway's own production checks, in the order their problems are listed."""


def production_problems(settings: Settings, extra: Sequence[Check] = ()) -> list[str]:
    """Every problem :data:`CHECKS` and ``extra`` find, whatever the ``environment``."""
    return [problem for check in (*CHECKS, *extra) for problem in check(settings)]


def refuse_demo_parts(settings: Settings, extra: Sequence[Check] = ()) -> None:
    """In production, refuse to start while any check finds a problem; else do nothing.

    Raises :class:`~gateway.errors.ProductionRefused` listing every problem.
    """
    if settings.environment != "production":
        return
    problems = production_problems(settings, extra)
    if problems:
        raise ProductionRefused(problems)


def _demo_certificates(path: Path, setting: str) -> Iterator[str]:
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        return  # unreadable or not PEM: the key loader refuses it with its own message
    for certificate in certificates:
        names = (certificate.subject, certificate.issuer)
        if any(_common_name(name) == DEMO_CA_COMMON_NAME for name in names):
            yield f"{setting}: {path} is a generated demo certificate ({DEMO_CA_COMMON_NAME})"
            return


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else None
