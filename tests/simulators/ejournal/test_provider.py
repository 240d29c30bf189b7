"""The e-journal simulator as an OpenID Connect provider, over HTTP: discovery, JWKS, the
login form, the token endpoint's checks (client, code once, redirect URI, PKCE)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from gateway.demo import DEMO_DATA, DEMO_STAFF
from gateway.domain.personal_code import parse_personal_code
from gateway.errors import ConfigurationError
from gateway.simulators.ejournal.accounts import (
    DEMO_PASSWORD,
    accounts_from_demo,
    demo_accounts,
    staff_accounts,
)
from gateway.simulators.ejournal.provider import Client, ProviderState
from gateway.simulators.ejournal.server import RunningProvider, start_provider

REDIRECT = "http://127.0.0.1:9/portal/callback/eklase"
VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(
    b"=").decode()


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    clients = {"rp": Client("rp", "secret", "http://127.0.0.1:9/portal/")}
    with start_provider(ProviderState(demo_accounts(), clients)) as running:
        yield running


def params(**extra: str) -> dict[str, str]:
    base = {"client_id": "rp", "redirect_uri": REDIRECT, "response_type": "code",
            "scope": "openid", "state": "s1", "nonce": "n1", "code_challenge": CHALLENGE,
            "code_challenge_method": "S256"}
    base.update(extra)
    return base


def log_in(provider: RunningProvider, login: str = "anna.berzina",
           password: str = DEMO_PASSWORD) -> requests.Response:
    return requests.post(f"{provider.issuer('eklase')}/authorize",
                         data=dict(params(), login=login, password=password),
                         allow_redirects=False, timeout=10)


def code_of(answer: requests.Response) -> str:
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def exchange(provider: RunningProvider, code: str, **extra: Any) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "code_verifier": VERIFIER}
    data.update(extra.pop("data", {}))
    return requests.post(f"{provider.issuer('eklase')}/token", data=data,
                         auth=extra.pop("auth", ("rp", "secret")), timeout=10)


def test_discovery_and_keys(provider: RunningProvider) -> None:
    for name in ("eklase", "mykoob"):
        doc = requests.get(f"{provider.issuer(name)}/.well-known/openid-configuration",
                           timeout=10).json()
        assert doc["issuer"] == provider.issuer(name)
        assert doc["code_challenge_methods_supported"] == ["S256"]
        keys = requests.get(doc["jwks_uri"], timeout=10).json()["keys"]
        assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0]
    assert requests.get(f"{provider.url}/google/jwks", timeout=10).status_code == 404


def test_a_good_sign_in_gives_a_signed_id_token(provider: RunningProvider) -> None:
    answer = exchange(provider, code_of(log_in(provider)))
    assert answer.status_code == 200, answer.text
    keys = KeySet.import_key_set(requests.get(f"{provider.issuer('eklase')}/jwks",
                                              timeout=10).json())
    token = jwt.decode(answer.json()["id_token"], keys)
    assert token.claims["personal_code"] == "140310-24716"
    assert token.claims["iss"] == provider.issuer("eklase")
    assert token.claims["aud"] == "rp" and token.claims["nonce"] == "n1"
    assert token.claims["exp"] > token.claims["iat"]
    assert "school_admin" not in token.claims  # a student is no school administrator


def test_a_school_administrator_s_token_names_the_schools(provider: RunningProvider) -> None:
    answer = exchange(provider, code_of(log_in(provider, "riga.admin")))
    keys = KeySet.import_key_set(requests.get(f"{provider.issuer('eklase')}/jwks",
                                              timeout=10).json())
    token = jwt.decode(answer.json()["id_token"], keys)
    assert token.claims["personal_code"] == "230475-13180"
    assert token.claims["school_admin"] == ["3013900034", "3013900161"]


def test_staff_accounts_are_valid_adults_of_demo_schools() -> None:
    institutions = {i["code"] for i in json.loads(DEMO_DATA.read_text())["institutions"]}
    demo_persons = {p["personal_code"] for p in json.loads(DEMO_DATA.read_text())["persons"]}
    staff = staff_accounts(DEMO_STAFF)
    assert len(staff) >= 2
    for account in staff.values():
        code = parse_personal_code(account.personal_code)
        assert code.birth_date is not None and code.birth_date.year < 2000
        assert account.personal_code not in demo_persons
        assert account.schools and set(account.schools) <= institutions
    assert set(staff) <= set(demo_accounts())


@pytest.mark.parametrize("change", [
    {"code_challenge_method": "plain"}, {"code_challenge": ""}, {"nonce": ""}, {"state": ""},
    {"client_id": "other"}, {"redirect_uri": "https://evil.example/cb"},
    {"response_type": "token"}, {"scope": "profile"},
])
def test_bad_authorization_requests_are_refused(provider: RunningProvider,
                                                change: dict[str, str]) -> None:
    answer = requests.get(f"{provider.issuer('eklase')}/authorize", params=params(**change),
                          timeout=10)
    assert answer.status_code == 400
    assert "Pieprasījums noraidīts" in answer.text


def test_the_login_form(provider: RunningProvider) -> None:
    form = requests.get(f"{provider.issuer('eklase')}/authorize", params=params(), timeout=10)
    assert form.status_code == 200
    assert 'label for="login"' in form.text and 'type="password"' in form.text
    assert log_in(provider, password="wrong").status_code == 401  # noqa: S106
    assert log_in(provider, login="nobody").status_code == 401


def test_a_code_is_good_once(provider: RunningProvider) -> None:
    code = code_of(log_in(provider))
    assert exchange(provider, code).status_code == 200
    again = exchange(provider, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("extra", [
    {"data": {"code_verifier": "w" * 50}},
    {"data": {"code_verifier": ""}},
    {"data": {"redirect_uri": "http://127.0.0.1:9/portal/other"}},
    {"data": {"grant_type": "password"}},
    {"auth": ("rp", "wrong")},
    {"auth": ("nobody", "secret")},
])
def test_the_token_endpoint_checks(provider: RunningProvider, extra: dict[str, Any]) -> None:
    answer = exchange(provider, code_of(log_in(provider)), **extra)
    assert answer.status_code in (400, 401)
    assert "id_token" not in answer.json()


def test_accounts_fold_latvian_letters_and_number_clashes(tmp_path: Any) -> None:
    accounts = accounts_from_demo(DEMO_DATA)
    assert accounts["anna.berzina"].personal_code == "140310-24716"
    data = {"persons": [{"personal_code": c, "given_name": "Ēriks", "family_name": "Šteins"}
                        for c in ("110604-20482", "170596-10016")],
            "results": [{"personal_code": c} for c in ("110604-20482", "170596-10016")]}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert sorted(accounts_from_demo(path)) == ["eriks.steins", "eriks.steins2"]


def test_binds_loopback_only() -> None:
    with pytest.raises(ConfigurationError):
        start_provider(ProviderState({}, {}), host="0.0.0.0")  # noqa: S104
