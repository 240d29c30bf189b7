"""``gateway ejournal-sim`` as an operator starts it: a process on loopback, told to lie."""

from __future__ import annotations

import time
from pathlib import Path

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.simulators.ejournal.test_provider import CHALLENGE, VERIFIER
from tests.stand import environment, free_port, process


def test_the_command_serves_both_issuers_and_can_misbehave(tmp_path: Path) -> None:
    port, portal = free_port(), "http://127.0.0.1:9/portal/"
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'g.db'}",
                      GATEWAY_PORTAL__PUBLIC_URL=portal)
    issuer = f"http://127.0.0.1:{port}/mykoob"
    with process(["ejournal-sim", "--port", str(port), "--misbehave", "expired"], env,
                 f"{issuer}/.well-known/openid-configuration", tmp_path / "sim.log"):
        redirect = f"{portal}callback/mykoob"
        form = {"client_id": "vpis-portal", "redirect_uri": redirect, "response_type": "code",
                "scope": "openid", "state": "s", "nonce": "n", "code_challenge": CHALLENGE,
                "code_challenge_method": "S256", "login": "anna.berzina", "password": "demo"}
        back = requests.post(f"{issuer}/authorize", data=form, allow_redirects=False,
                             timeout=10)
        code = back.headers["Location"].split("code=")[1].split("&")[0]
        token = requests.post(f"{issuer}/token", timeout=10, auth=("vpis-portal",
                              "demo-client-secret"), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
            "code_verifier": VERIFIER}).json()
        keys = KeySet.import_key_set(requests.get(f"{issuer}/jwks", timeout=10).json())
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["iss"] == issuer
    assert claims["exp"] < time.time() - 600  # expired, as asked
    assert claims["personal_code"] == "140310-24716"
