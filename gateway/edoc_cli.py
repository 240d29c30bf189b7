"""The e-document commands of ``gateway`` (RULES §6): the demo PKI and long-term seals.

``gateway pki-sim`` serves the demo PKI's time-stamping authority, OCSP responder and CRL
(:mod:`gateway.simulators.pki`) on 127.0.0.1. ``gateway edoc seal --session CODE`` seals a
session's certificates before publication, ``gateway edoc renew [--before DATE]`` adds archive
time-stamps (:mod:`gateway.documents.batches`). :func:`register` adds the commands to the
parser of :mod:`gateway.cli`.
"""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from gateway.errors import ConfigurationError
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.documents.batches import Progress
    from gateway.signing.sealer import Sealer

log = logging.getLogger(__name__)

__all__ = ["register"]


def _cmd_pki_sim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.errors import ProductionRefused
    from gateway.signing.demo_pki import demo_urls
    from gateway.simulators.pki import serve, write_config

    if settings.environment == "production":
        raise ProductionRefused(["environment: the demo PKI is never run in production"])
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


def _long_term_sealer(settings: Settings) -> Sealer:
    from gateway.signing.sealer import load_sealer

    if not settings.signing.long_term:
        raise ConfigurationError("signing.tsa_url is not set: long-term seals need a TSA")
    return load_sealer(settings.signing, settings.data_dir)


def _report(progress: Progress) -> None:
    print(f"edoc: {progress.describe()}", flush=True)


def _cmd_edoc_seal(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.documents.batches import seal_session
    from gateway.documents.issue import DocumentIssuer
    from gateway.production import refuse_demo_parts
    from gateway.store.db import create_engine_for

    refuse_demo_parts(settings)
    issuer = DocumentIssuer(_long_term_sealer(settings), lambda: datetime.now(UTC))
    engine = create_engine_for(settings)
    try:
        done = seal_session(engine, issuer, args.session, concurrency=args.concurrency,
                            batch=args.batch, progress=_report)
    finally:
        engine.dispose()
    print(f"sealed session {args.session}: {done.describe()}")
    if done.failures:
        print("failed (run again to retry): " + ", ".join(done.failures))
    return 0 if done.failed == 0 else 1


def _cmd_edoc_renew(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.documents.batches import renew
    from gateway.production import refuse_demo_parts
    from gateway.store.db import create_engine_for

    refuse_demo_parts(settings)
    before = (datetime.combine(args.before, datetime.min.time(), UTC) if args.before
              else datetime.now(UTC) + timedelta(days=365))
    sealer = _long_term_sealer(settings)
    engine = create_engine_for(settings)
    try:
        done = renew(engine, sealer, before, batch=args.batch, progress=_report)
    finally:
        engine.dispose()
    print(f"renewed before {before:%Y-%m-%d}: {done.describe()}")
    return 0 if done.failed == 0 else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pki-sim`` and ``edoc`` to the sub-commands ``sub`` of ``gateway``."""
    from gateway.signing.demo_pki import DEFAULT_PORT

    p = sub.add_parser("pki-sim", help="serve the demo PKI: time-stamps, OCSP and CRL (RULES §6)")
    p.add_argument("--host", default="127.0.0.1", choices=("127.0.0.1",),
                   help="listen address (this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"listen port (default: {DEFAULT_PORT}; 0 picks a free one)")
    p.set_defaults(func=_cmd_pki_sim)

    edoc = sub.add_parser("edoc", help="seal e-documents ahead of publication; renew seals")
    commands = edoc.add_subparsers(dest="edoc_command", required=True)
    p = commands.add_parser("seal", help="seal every certificate of a session not sealed yet "
                            "(resumable: run again after a stop)")
    p.add_argument("--session", required=True, help="the session code, e.g. 2026-V")
    p.add_argument("--concurrency", type=int, default=4, help="seals at once (1-32; default 4)")
    p.add_argument("--batch", type=int, default=200, help="documents read at a time (1-5000)")
    p.set_defaults(func=_cmd_edoc_seal)
    p = commands.add_parser("renew", help="add an archive time-stamp (B-LTA) where the newest "
                            "time-stamp's certificate expires before DATE; raise B-B to B-LTA")
    p.add_argument("--before", type=date.fromisoformat, metavar="DATE",
                   help="YYYY-MM-DD (default: a year from now)")
    p.add_argument("--batch", type=int, default=100, help="documents read at a time (1-5000)")
    p.set_defaults(func=_cmd_edoc_renew)
