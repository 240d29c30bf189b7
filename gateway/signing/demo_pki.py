"""Where the demo PKI answers (RULES §6): the addresses of its TSA, OCSP responder and CRL.

The PKI itself (Certomancer serving the demo's own keys) is a simulator,
:mod:`gateway.simulators.pki` (``gateway pki-sim``); the runtime needs only to know its URLs:
:func:`demo_urls` are the matching ``signing.tsa_url``/``ocsp_url``/``crl_url``, which
``environment = "production"`` refuses (:mod:`gateway.production`, by :func:`is_demo_url`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ARCH", "CA_LABEL", "DEFAULT_PORT", "DemoPkiUrls", "demo_urls", "is_demo_url"]

ARCH = "vpis-demo"
"""The Certomancer architecture label: the first segment of every service URL."""
DEFAULT_PORT = 8084
CA_LABEL = "ca"
"""The demo CA's label in the PKI: the OCSP responder and the CRL are named after it."""


@dataclass(frozen=True, slots=True)
class DemoPkiUrls:
    tsa: str
    ocsp: str
    crl: str


def demo_urls(base: str) -> DemoPkiUrls:
    """The service URLs under ``base`` (``http://127.0.0.1:8084``)."""
    root = f"{base.rstrip('/')}/{ARCH}"
    return DemoPkiUrls(f"{root}/tsa/tsa", f"{root}/ocsp/{CA_LABEL}",
                       f"{root}/crls/{CA_LABEL}/latest.crl")


def is_demo_url(url: str) -> bool:
    """True for a URL of the demo PKI (whatever host and port it was started on)."""
    return f"/{ARCH}/" in url
