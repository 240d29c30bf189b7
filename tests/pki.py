"""The demo PKI for tests: Certomancer's TSA, OCSP responder and CRL on 127.0.0.1 (RULES §6).

:func:`demo_pki` serves it in a thread of the test process (a real HTTP server); the settings
it yields seal e-documents at XAdES-B-LT against it. :func:`pki_env` gives the same to a
gateway started as a process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.demo_pki import DemoPkiUrls, demo_urls
from gateway.simulators.pki import ExtraCertificate, running_pki, write_config


@dataclass(frozen=True)
class Pki:
    base: str
    urls: DemoPkiUrls
    data_dir: Path
    algorithm: SignatureAlgorithm

    @property
    def settings(self) -> SigningSettings:
        return SigningSettings(algorithm=self.algorithm, tsa_url=self.urls.tsa,
                               ocsp_url=self.urls.ocsp, crl_url=self.urls.crl)

    @property
    def ca_file(self) -> Path:
        return self.data_dir / "keys" / "ca.pem"

    @property
    def ca(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.ca_file.read_bytes())

    def certificate(self, name: str) -> x509.Certificate:
        """A demo certificate by file stem: ``tsa``, ``ocsp``, ``eseal-rsa-sha256`` …"""
        return x509.load_pem_x509_certificate(
            (self.data_dir / "keys" / f"{name}.pem").read_bytes())


@contextmanager
def demo_pki(
    data_dir: Path,
    algorithm: SignatureAlgorithm = SignatureAlgorithm.RSA_SHA256,
    *,
    revoked: Mapping[str, datetime] | None = None,
    extra: tuple[ExtraCertificate, ...] = (),
    allow_time_override: bool = False,
) -> Iterator[Pki]:
    """The demo PKI of ``data_dir`` (keys made if missing) served while the block runs."""
    config = write_config(data_dir, algorithm, extra, revoked)
    with running_pki(config, allow_time_override=allow_time_override) as base:
        yield Pki(base, demo_urls(base), data_dir, algorithm)


def pki_env(pki: Pki) -> dict[str, str]:
    """The ``GATEWAY_SIGNING__*`` variables that make a gateway process seal against ``pki``."""
    return {"GATEWAY_SIGNING__TSA_URL": pki.urls.tsa, "GATEWAY_SIGNING__OCSP_URL": pki.urls.ocsp,
            "GATEWAY_SIGNING__CRL_URL": pki.urls.crl}
