"""The e-document commands of ``gateway`` (RULES §6): the demo PKI and long-term seals.

``gateway pki-sim`` serves the demo PKI's time-stamping authority, OCSP responder and CRL
(:mod:`gateway.signing.demo_pki`) on 127.0.0.1. :func:`register` adds the commands to the
parser of :mod:`gateway.cli`.
"""

from __future__ import annotations

import argparse
import logging

from gateway.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["register"]


def _cmd_pki_sim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.production import refuse_demo_parts
    from gateway.signing.demo_pki import demo_urls, serve, write_config

    refuse_demo_parts(settings)  # a demo service, like the demo keys
    config = write_config(settings.data_dir, settings.signing.algorithm)
    server = serve(config, args.host, args.port)
    urls = demo_urls(f"http://{args.host}:{server.server_port}")
    print(f"demo PKI on http://{args.host}:{server.server_port}/ ({config})", flush=True)
    print(f"  signing.tsa_url  = {urls.tsa}\n  signing.ocsp_url = {urls.ocsp}\n"
          f"  signing.crl_url  = {urls.crl}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pki-sim`` and ``edoc`` to the sub-commands ``sub`` of ``gateway``."""
    from gateway.signing.demo_pki import DEFAULT_PORT

    p = sub.add_parser("pki-sim", help="serve the demo PKI: time-stamps, OCSP and CRL (RULES §6)")
    p.add_argument("--host", default="127.0.0.1", choices=("127.0.0.1",),
                   help="listen address (this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"listen port (default: {DEFAULT_PORT}; 0 picks a free one)")
    p.set_defaults(func=_cmd_pki_sim)
