"""Sign-in through the school e-journals (RULES §11) as an OpenID Connect relying party.

Authlib does the protocol: the authorization-code flow with PKCE (S256), ``state`` kept in the
session and checked on return, a ``nonce`` per sign-in, the ID token's signature checked
against the provider's published keys (JWKS, from its discovery document) and its ``iss``,
``aud``, ``exp`` and ``nonce`` claims (OpenID Connect Core 1.0 §3.1.3.7). We add: the discovery
document must name the configured issuer, the personal code comes from the configured claim and
must be a valid personal code, and a school administrator's role (RULES §12) is the configured
claim's list of institution codes, each checked; a malformed role refuses the sign-in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.errors import InvalidPersonalCode
from gateway.portal.settings import PortalSettings, Provider

log = logging.getLogger(__name__)

CLOCK_SKEW = 60
"""Seconds of clock difference tolerated on ``exp`` and ``iat``."""
MAX_SCHOOLS = 20
"""Most institutions one school administrator's role may name."""
_INSTITUTION = re.compile(r"[0-9]{1,20}")  # as the import format writes institution codes


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Whom the e-journal vouches for, and the institutions they administer (staff only)."""

    person: PersonalCode
    schools: tuple[str, ...] = ()


class SignInFailed(Exception):
    """The e-journal did not vouch for a student; ``reason`` says why (no personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def register_providers(app: Flask, settings: PortalSettings) -> OAuth:
    """One Authlib client per e-journal; discovery is fetched on first use."""
    oauth = OAuth(app)
    for provider in settings.providers:
        oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid",
                "code_challenge_method": "S256",
                "default_timeout": settings.provider_timeout,
            },
        )
    return oauth


def redirect_uri(settings: PortalSettings, provider: Provider) -> str:
    """Where the e-journal sends the browser back (registered with the e-journal)."""
    return f"{settings.public_url}callback/{provider.name}"


def finish_sign_in(oauth: OAuth, provider: Provider) -> SignedIn:
    """Check the callback request and the ID token; whom the e-journal vouches for. Raises
    :class:`SignInFailed` for anything else."""
    client: Any = oauth.create_client(provider.name)
    claims_options = {
        "iss": {"essential": True, "values": [provider.issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=claims_options, leeway=CLOCK_SKEW)
    except Exception as exc:  # Authlib, joserfc and requests each raise their own tree
        # their messages name the failed check (a claim, the state), never a claim's value
        raise SignInFailed(f"{type(exc).__name__}: {exc}"[:160]) from None
    if client.server_metadata.get("issuer") != provider.issuer:
        raise SignInFailed("discovery names another issuer")
    userinfo = token.get("userinfo")
    if userinfo is None:
        raise SignInFailed("no ID token")
    claim = userinfo.get(provider.personal_code_claim)
    if not isinstance(claim, str):
        raise SignInFailed("no personal code claim")
    try:
        person = parse_personal_code(claim)
    except InvalidPersonalCode:
        raise SignInFailed("invalid personal code claim") from None
    return SignedIn(person, school_roles(userinfo.get(provider.school_admin_claim)))


def school_roles(claim: object) -> tuple[str, ...]:
    """The institution codes of a school-administrator claim (absent: none). Anything but a
    short list of institution codes raises :class:`SignInFailed`: a role is never guessed."""
    if claim is None:
        return ()
    if not isinstance(claim, list) or len(claim) > MAX_SCHOOLS or not all(
        isinstance(code, str) and _INSTITUTION.fullmatch(code) for code in claim
    ):
        raise SignInFailed("invalid school administrator claim")
    return tuple(dict.fromkeys(claim))
