"""Settings of the signing keys: where the gateway's and VISC's e-seal keys come from.

Nested into the gateway's settings as ``signing``. With no key configured, demo keys are
generated under ``data_dir/keys/`` (see :func:`gateway.signing.keys.ensure_demo_keys`).
Passwords never sit in the configuration; only the path of a file that holds one does.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

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

    tsa_url: str | None = Field(
        default=None,
        description="RFC 3161 time-stamping authority for XAdES-B-LT seals (RULES §6), e.g. a "
        "qualified Latvian TSA; the demo's is `gateway pki-sim`. Unset: e-documents are sealed "
        "at B-B only, which production refuses.",
    )
    ocsp_url: str | None = Field(
        default=None,
        description="OCSP responder (RFC 6960) of the e-seal's and the TSA's issuing CA.",
    )
    crl_url: str | None = Field(
        default=None,
        description="The issuing CA's CRL (RFC 5280 §5), fetched when the OCSP responder fails.",
    )
    validation_timeout: float = Field(
        default=10.0, gt=0, le=60,
        description="Seconds to wait for the TSA, the OCSP responder or the CRL, each request.",
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
        for name in ("tsa_url", "ocsp_url", "crl_url"):
            url = getattr(self, name)
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"{name} must be an http(s) URL")
        if (self.tsa_url is None) != (self.ocsp_url is None and self.crl_url is None):
            raise ValueError("tsa_url needs ocsp_url or crl_url, and they need tsa_url")
        return self

    @property
    def long_term(self) -> bool:
        """True when e-documents are sealed at XAdES-B-LT (a TSA and revocation data are set)."""
        return self.tsa_url is not None

    @property
    def uses_demo_keys(self) -> bool:
        """True when no signing key is configured and the generated demo keys are used."""
        return self.key_file is None and self.pkcs12_file is None

    @property
    def uses_demo_eseal(self) -> bool:
        """True when no e-seal key is configured and the generated demo e-seal is used."""
        return self.eseal_key_file is None
