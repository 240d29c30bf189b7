"""Settings of the signing keys: where the gateway's and VISC's e-seal keys come from.

Nested into the gateway's settings as ``signing``. With no key configured, demo keys are
generated under ``data_dir/keys/`` (see :func:`gateway.signing.keys.ensure_demo_keys`).
Passwords never sit in the configuration; only the path of a file that holds one does.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SignatureAlgorithm(StrEnum):
    """Signature algorithms the gateway signs with (XMLDSig 1.1 §6.4; RFC 6931 §2.3)."""

    RSA_SHA256 = "rsa-sha256"
    ECDSA_SHA256 = "ecdsa-sha256"


class SignerImplementation(StrEnum):
    """Which code makes the enveloped signature on answers (both make RULES §6's profile)."""

    LEAN = "lean"
    """Ours (:mod:`gateway.signing.xmldsig`): builds the one signature shape directly."""
    SIGNXML = "signxml"
    """signxml's ``XMLSigner``: the general library, as a reference and a fallback."""


class SigningSettings(BaseModel):
    """Key material for signing responses (XMLDSig) and e-documents (XAdES)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: SignatureAlgorithm = Field(
        default=SignatureAlgorithm.RSA_SHA256,
        description="Signature algorithm of response signatures; must match the key type.",
    )
    implementation: SignerImplementation = Field(
        default=SignerImplementation.LEAN,
        description="Signer of the answers' enveloped signatures: lean (ours) or signxml.",
    )
    key_file: Path | None = Field(
        default=None, description="PEM private key (unencrypted) of the gateway's signing key."
    )
    certificate_file: Path | None = Field(
        default=None,
        description="PEM certificate of the signing key, optionally followed by its chain.",
    )
    pkcs12_file: Path | None = Field(
        default=None,
        description="PKCS#12 file with the signing key and certificate (instead of PEM).",
    )
    pkcs12_password_file: Path | None = Field(
        default=None, description="File holding the PKCS#12 password (never the password itself)."
    )
    ca_file: Path | None = Field(
        default=None,
        description="PEM certificate of the CA that verifiers pin (demo: keys/ca.pem).",
    )
    eseal_key_file: Path | None = Field(
        default=None, description="PEM private key of VISC's e-seal, for XAdES e-documents."
    )
    eseal_certificate_file: Path | None = Field(
        default=None,
        description="PEM certificate of VISC's e-seal, optionally followed by its chain.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SigningSettings:
        pem = self.key_file is not None or self.certificate_file is not None
        if pem and (self.key_file is None or self.certificate_file is None):
            raise ValueError("key_file and certificate_file must be set together")
        if pem and self.pkcs12_file is not None:
            raise ValueError("configure either key_file/certificate_file or pkcs12_file, not both")
        if self.pkcs12_password_file is not None and self.pkcs12_file is None:
            raise ValueError("pkcs12_password_file is set but pkcs12_file is not")
        if (self.eseal_key_file is None) != (self.eseal_certificate_file is None):
            raise ValueError("eseal_key_file and eseal_certificate_file must be set together")
        return self

    @property
    def uses_demo_keys(self) -> bool:
        """True when no signing key is configured and the generated demo keys are used."""
        return self.key_file is None and self.pkcs12_file is None

    @property
    def uses_demo_eseal(self) -> bool:
        """True when no e-seal key is configured and the generated demo e-seal is used."""
        return self.eseal_key_file is None
