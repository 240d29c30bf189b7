"""SigningSettings: defaults, documented fields, inconsistent key combinations refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.signing.config import SignatureAlgorithm, SigningSettings


def test_defaults_mean_demo_keys_and_rsa() -> None:
    settings = SigningSettings()
    assert settings.algorithm is SignatureAlgorithm.RSA_SHA256
    assert settings.uses_demo_keys
    assert settings.uses_demo_eseal


def test_every_field_is_documented() -> None:
    for name, field in SigningSettings.model_fields.items():
        assert field.description, name


def test_algorithm_by_its_name() -> None:
    assert SigningSettings(algorithm="ecdsa-sha256").algorithm is SignatureAlgorithm.ECDSA_SHA256  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        SigningSettings(algorithm="rsa-sha1")  # type: ignore[arg-type]


def test_frozen_and_closed() -> None:
    settings = SigningSettings()
    with pytest.raises(ValidationError):
        settings.algorithm = SignatureAlgorithm.ECDSA_SHA256
    with pytest.raises(ValidationError):
        SigningSettings(password="secret")  # type: ignore[call-arg]  # noqa: S106


K, C, P, PW = Path("k.pem"), Path("c.pem"), Path("k.p12"), Path("pw")


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"key_file": K, "certificate_file": C}, True),
        ({"pkcs12_file": P}, True),
        ({"pkcs12_file": P, "pkcs12_password_file": PW}, True),
        ({"eseal_key_file": K, "eseal_certificate_file": C}, True),
        ({"ca_file": C}, True),
        ({"key_file": K}, False),
        ({"certificate_file": C}, False),
        ({"key_file": K, "certificate_file": C, "pkcs12_file": P}, False),
        ({"certificate_file": C, "pkcs12_file": P}, False),
        ({"pkcs12_password_file": PW}, False),
        ({"eseal_key_file": K}, False),
        ({"eseal_certificate_file": C}, False),
    ],
)
def test_combinations(fields: dict[str, Any], ok: bool) -> None:
    if ok:
        SigningSettings(**fields)
    else:
        with pytest.raises(ValidationError):
            SigningSettings(**fields)
