"""The demo PKI's services: a time-stamping authority, an OCSP responder and a CRL (RULES §6).

Certomancer (a PKI testing tool) serves them over HTTP from a declarative configuration: its
Animator answers RFC 3161 time-stamp requests, RFC 6960 OCSP requests and serves the CA's CRL
(RFC 5280 §5). The key material is the demo's own, generated at set-up under
``data_dir/keys/`` (:mod:`gateway.signing.demo_keys`): the demo CA, the gateway's and VISC's
e-seal certificates, the TSA and the OCSP responder. Certomancer loads these certificates as
they are ("pre-generated") and only answers for them; none of it is in git.

The configuration is written to ``data_dir/keys/certomancer.yml`` (JSON, which is YAML) so an
operator can read what is served. ``gateway pki-sim`` serves it on 127.0.0.1;
:func:`gateway.signing.demo_pki.demo_urls` are the matching
``signing.tsa_url``/``ocsp_url``/``crl_url``, which ``environment = "production"`` refuses
(:mod:`gateway.production`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from werkzeug.serving import BaseWSGIServer, make_server

from gateway.signing.config import SignatureAlgorithm
from gateway.signing.demo_keys import demo_key_paths, ensure_demo_services
from gateway.signing.demo_pki import ARCH, CA_LABEL

__all__ = ["ExtraCertificate", "animator", "running_pki", "serve", "write_config"]

_CA = CA_LABEL


@dataclass(frozen=True, slots=True)
class ExtraCertificate:
    """A further certificate of the demo CA to answer for, optionally revoked (tests)."""

    label: str
    certificate: Path
    key: Path
    revoked_since: datetime | None = None


def write_config(
    data_dir: Path,
    algorithm: SignatureAlgorithm,
    extra: tuple[ExtraCertificate, ...] = (),
    revoked: Mapping[str, datetime] | None = None,
) -> Path:
    """Make sure the demo PKI's keys exist; write and return its Certomancer configuration.

    ``revoked`` marks certificates by label (``eseal-rsa-sha256``, ``tsa`` …) as revoked since
    the given instant, so that the OCSP responder and the CRL say so from then on.
    """
    services = ensure_demo_services(data_dir, algorithm)
    keys = demo_key_paths(data_dir, algorithm)
    files: dict[str, tuple[Path, Path]] = {_CA: (keys.ca_certificate, keys.ca_key)}
    for alg in SignatureAlgorithm:
        other = demo_key_paths(data_dir, alg)
        for cert, key in ((other.certificate, other.key),
                          (other.eseal_certificate, other.eseal_key)):
            if cert.exists():
                files[cert.name.removesuffix(".pem")] = (cert, key)
    files["tsa"] = (services.tsa_certificate, services.tsa_key)
    files["ocsp"] = (services.ocsp_certificate, services.ocsp_key)
    revocations = dict(revoked or {})
    for more in extra:
        files[more.label] = (more.certificate, more.key)
        if more.revoked_since is not None:
            revocations[more.label] = more.revoked_since

    entities: dict[str, dict[str, str]] = {}
    certs: dict[str, dict[str, object]] = {}
    for label, (cert_path, _key) in files.items():
        loaded = x509.load_pem_x509_certificate(cert_path.read_bytes())
        entities[label] = _entity(loaded)
        spec: dict[str, object] = {
            "subject": label,
            "issuer": _CA,
            "certificate-file": str(cert_path),
            "serial": loaded.serial_number,
            "validity": {
                "valid-from": loaded.not_valid_before_utc.isoformat(),
                "valid-to": loaded.not_valid_after_utc.isoformat(),
            },
        }
        if label in revocations:
            spec["revocation"] = {
                "revoked-since": revocations[label].astimezone(UTC).replace(microsecond=0)
                .isoformat(),
                "reason": "key_compromise",
            }
        certs[label] = spec
    config = {
        "keysets": {
            ARCH: {"keys": {label: {"path": str(key)} for label, (_c, key) in files.items()}}
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {_CA: {"for-issuer": _CA, "responder-cert": "ocsp",
                                   "signing-key": "ocsp"}},
                    "crl-repo": {_CA: {"for-issuer": _CA, "signing-key": _CA,
                                       "simulated-update-schedule": "P1D"}},
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa",
                                              "certs-to-embed": [_CA]}},
                },
            }
        },
    }
    path = keys.directory / "certomancer.yml"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def animator(config_path: Path, *, allow_time_override: bool = False) -> Any:
    """Certomancer's WSGI application serving the PKI of ``config_path`` (no web pages, and no
    client-chosen time: the ``X-Certomancer-Fake-Time`` header only where a test allows it).

    It answers with times to the whole second: DER's GeneralizedTime in OCSP responses and
    CRLs has no fractions (RFC 5280 §4.1.2.5.2), and ``cryptography`` refuses a response whose
    ``producedAt`` has them. Certomancer is imported here, not by the gateway at start-up.
    """
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig

    class WholeSecondAnimator(Animator):
        def at_time(self, request: Any) -> datetime:
            when: datetime = super().at_time(request)  # type: ignore[no-untyped-call]
            return when.replace(microsecond=0)

    config = CertomancerConfig.from_file(str(config_path))
    return WholeSecondAnimator(
        AnimatorArchStore(config.pki_archs),
        with_web_ui=False,
        allow_time_override=allow_time_override,
    )


def serve(config_path: Path, host: str, port: int) -> BaseWSGIServer:
    """A threaded HTTP server for the PKI of ``config_path``; the caller runs ``serve_forever``."""
    return make_server(host, port, animator(config_path), threaded=True)


@contextmanager
def running_pki(
    config_path: Path, *, port: int = 0, allow_time_override: bool = False
) -> Iterator[str]:
    """Serve the PKI on 127.0.0.1 in a thread while the block runs; yield its base URL.

    ``allow_time_override`` lets a test ask the responders about another instant (the
    ``X-Certomancer-Fake-Time`` header): only for tests.
    """
    app = animator(config_path, allow_time_override=allow_time_override)
    server = make_server("127.0.0.1", port, app, threaded=True)
    # a short poll: shutdown() waits for the loop to look (0.5 s by default, every block)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="pki-sim", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_ENTITY_KEYS = {
    x509.NameOID.COUNTRY_NAME: "country-name",
    x509.NameOID.ORGANIZATION_NAME: "organization-name",
    x509.NameOID.ORGANIZATION_IDENTIFIER: "organization-identifier",
    x509.NameOID.COMMON_NAME: "common-name",
}


def _entity(cert: x509.Certificate) -> dict[str, str]:
    """The subject as a Certomancer entity (the CRL's issuer must be the CA's subject)."""
    return {
        _ENTITY_KEYS[attribute.oid]: str(attribute.value)
        for attribute in cert.subject
        if attribute.oid in _ENTITY_KEYS
    }
