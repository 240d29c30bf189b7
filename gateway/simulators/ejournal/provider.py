"""An OpenID Connect provider standing in for E-klase and Mykoob, for development and tests.

Each e-journal is an issuer of its own under one server: ``BASE/eklase`` and ``BASE/mykoob``
(OpenID Connect Core 1.0, Discovery 1.0), each with

* ``GET  ISSUER/.well-known/openid-configuration`` — the discovery document;
* ``GET  ISSUER/jwks`` — the public signing key (RS256, generated when the simulator starts);
* ``GET  ISSUER/authorize`` — the authorization endpoint (code flow, PKCE S256 required,
  ``state`` and ``nonce`` required), answering with an HTML login form;
* ``POST ISSUER/authorize`` — the form: on a right login, a redirect to the client with a
  one-time code (valid 60 s);
* ``POST ISSUER/token`` — the code for an ID token (client_secret_basic or _post), checking
  the redirect URI and the PKCE verifier (RFC 7636 §4.6); a code is good once.

The ID token carries ``sub``, ``personal_code`` (the claim the portal reads), ``name``,
``nonce``, ``iss``, ``aud``, ``iat`` and ``exp``; a school staff account's also
``school_admin``, the institution codes it administers (RULES §12). :class:`Misbehaviour`
makes the provider lie in one way, for the portal's attack tests; it exists only here, never
in the portal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, jsonify, render_template, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from gateway.simulators.ejournal.accounts import DEMO_PASSWORD, Account

ISSUERS = {"eklase": "E-klase", "mykoob": "Mykoob"}
CODE_SECONDS = 60
TOKEN_SECONDS = 300
TAMPERED_CODE = "300870-15376"  # a demo adult; a tampered token claims to be him
MAX_PENDING = 10_000  # codes kept at most; older ones are dropped first


class Misbehaviour(StrEnum):
    """How the provider lies (tests only)."""

    NONE = "none"
    WRONG_NONCE = "wrong-nonce"
    BAD_SIGNATURE = "bad-signature"  # signed by a key not in the JWKS, under its kid
    EXPIRED = "expired"
    WRONG_ISSUER = "wrong-issuer"
    WRONG_AUDIENCE = "wrong-audience"
    TAMPERED = "tampered"  # a validly signed token whose claims were changed afterwards
    BAD_PERSONAL_CODE = "bad-personal-code"  # signed, but the claim is no personal code
    BAD_SCHOOL_ROLE = "bad-school-role"  # signed, but the school role is no list of codes


@dataclass(frozen=True)
class Client:
    """A registered relying party."""

    client_id: str
    client_secret: str
    redirect_prefix: str  # a redirect URI must start with it


@dataclass
class _Grant:
    issuer: str
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    account: Account
    expires: float


def _new_key() -> RSAKey:
    kid = secrets.token_hex(8)
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"},
                               private=True)


@dataclass
class ProviderState:
    """What the simulator holds: accounts, clients, keys, pending codes."""

    accounts: dict[str, Account]
    clients: dict[str, Client]
    misbehaviour: Misbehaviour = Misbehaviour.NONE
    clock: Callable[[], float] = time.time
    key: RSAKey = field(default_factory=_new_key)
    rogue_key: RSAKey = field(default_factory=_new_key)
    grants: dict[str, _Grant] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    logins: int = 0


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _issuer_url(name: str) -> str:
    return request.host_url.rstrip("/") + "/" + name


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    answer = jsonify({"error": error, "error_description": description})
    answer.status_code = status
    answer.headers["Cache-Control"] = "no-store"
    return answer


def create_provider(state: ProviderState) -> Flask:
    """The provider as a WSGI application."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024

    def issuer_name(name: str) -> str:
        if name not in ISSUERS:
            abort(404)
        return name

    @app.get("/<name>/.well-known/openid-configuration")
    def discovery(name: str) -> Response:
        issuer = _issuer_url(issuer_name(name))
        return jsonify({
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "scopes_supported": ["openid"],
            "claims_supported": ["sub", "personal_code", "name", "school_admin"],
        })

    @app.get("/<name>/jwks")
    def jwks(name: str) -> Response:
        issuer_name(name)
        return jsonify({"keys": [state.key.as_dict(private=False)]})

    def checked_request(name: str, params: dict[str, str]) -> tuple[Client, str] | str:
        client = state.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or not redirect_uri.startswith(client.redirect_prefix):
            return "unknown client or redirect URI"
        if params.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in params.get("scope", "").split():
            return "scope must include openid"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        if not params.get("state") or not params.get("nonce"):
            return "state and nonce are required"
        return client, redirect_uri

    @app.get("/<name>/authorize")
    def authorize_form(name: str) -> Any:
        issuer_name(name)
        params = request.args.to_dict()
        checked = checked_request(name, params)
        if isinstance(checked, str):
            return render_template("ejournal_error.html", title=ISSUERS[name],
                                   message=checked), 400
        return render_template("ejournal_login.html", title=ISSUERS[name], name=name,
                               params=params, error=None)

    @app.post("/<name>/authorize")
    def authorize_submit(name: str) -> Any:
        issuer_name(name)
        params = {k: request.form.get(k, "") for k in
                  ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                   "code_challenge", "code_challenge_method")}
        checked = checked_request(name, params)
        if isinstance(checked, str):
            return render_template("ejournal_error.html", title=ISSUERS[name],
                                   message=checked), 400
        client, redirect_uri = checked
        account = state.accounts.get(request.form.get("login", "").strip().lower())
        password = request.form.get("password", "")
        if account is None or not hmac.compare_digest(password, DEMO_PASSWORD):
            return render_template("ejournal_login.html", title=ISSUERS[name], name=name,
                                   params=params, error="Nepareizs lietotājvārds vai parole."
                                   ), 401
        code = secrets.token_urlsafe(24)
        with state.lock:
            if len(state.grants) >= MAX_PENDING:
                state.grants.pop(next(iter(state.grants)))
            state.grants[code] = _Grant(
                _issuer_url(name), client.client_id, redirect_uri, params["nonce"],
                params["code_challenge"], account, state.clock() + CODE_SECONDS)
            state.logins += 1
        query = urlencode({"code": code, "state": params["state"]})
        separator = "&" if "?" in redirect_uri else "?"
        return Response(status=302, headers={"Location": f"{redirect_uri}{separator}{query}"})

    @app.post("/<name>/token")
    def token(name: str) -> Response:
        issuer_name(name)
        client = _client_of_request(state)
        if client is None:
            return _oauth_error("invalid_client", "client authentication failed", 401)
        if request.form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type", "only authorization_code")
        with state.lock:
            grant = state.grants.pop(request.form.get("code", ""), None)  # good once
        if (grant is None or grant.expires < state.clock() or grant.client_id != client.client_id
                or grant.issuer != _issuer_url(name)
                or grant.redirect_uri != request.form.get("redirect_uri")):
            return _oauth_error("invalid_grant", "the code is not valid")
        if not hmac.compare_digest(_s256(request.form.get("code_verifier", "")), grant.challenge):
            return _oauth_error("invalid_grant", "the PKCE verifier does not match")
        answer = jsonify({
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "id_token": _id_token(state, grant),
        })
        answer.headers["Cache-Control"] = "no-store"
        return answer

    return app


def _client_of_request(state: ProviderState) -> Client | None:
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        client_id, secret = auth.username or "", auth.password or ""
    else:
        client_id = request.form.get("client_id", "")
        secret = request.form.get("client_secret", "")
    client = state.clients.get(client_id)
    if client is None or not hmac.compare_digest(secret, client.client_secret):
        return None
    return client


def _id_token(state: ProviderState, grant: _Grant) -> str:
    now = int(state.clock())
    lie = state.misbehaviour
    claims: dict[str, Any] = {
        "iss": grant.issuer + ("-evil" if lie is Misbehaviour.WRONG_ISSUER else ""),
        "sub": hashlib.sha256(grant.account.login.encode()).hexdigest()[:24],
        "aud": "someone-else" if lie is Misbehaviour.WRONG_AUDIENCE else grant.client_id,
        "iat": now - (3600 if lie is Misbehaviour.EXPIRED else 0),
        "exp": now + (-1800 if lie is Misbehaviour.EXPIRED else TOKEN_SECONDS),
        "nonce": secrets.token_urlsafe(16) if lie is Misbehaviour.WRONG_NONCE else grant.nonce,
        "personal_code": "999999-99999" if lie is Misbehaviour.BAD_PERSONAL_CODE
        else grant.account.personal_code,
        "name": f"{grant.account.given_name} {grant.account.family_name}",
    }
    if grant.account.schools:
        claims["school_admin"] = list(grant.account.schools)
    if lie is Misbehaviour.BAD_SCHOOL_ROLE:
        claims["school_admin"] = "4413900133' OR '1'='1"
    key = state.rogue_key if lie is Misbehaviour.BAD_SIGNATURE else state.key
    header = {"alg": "RS256", "kid": state.key.kid}
    token = jwt.encode(header, claims, key)
    if lie is Misbehaviour.TAMPERED:
        head, _, signature = token.split(".")
        forged = dict(claims, personal_code=TAMPERED_CODE)
        body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
        token = f"{head}.{body}.{signature}"
    return token
