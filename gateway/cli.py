"""The ``gateway`` command: the one entry point where settings are built and passed in."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gateway.errors import ConfigurationError, GatewayError
from gateway.logs import configure as configure_logs
from gateway.settings import Settings, load_settings

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, Settings], int]


def _cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.signing.keys import load_signer_key
    from gateway.store.db import init_database

    url = init_database(settings)
    print(f"database ready: {_safe_url(url)}")
    key = load_signer_key(settings.signing, settings.data_dir)  # makes demo keys if none set
    print(f"signing key ready: {key.certificate.subject.rfc4514_string()}")
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.store.db import create_engine_for, init_database
    from gateway.store.importer import import_file

    init_database(settings)
    engine = create_engine_for(settings)
    try:
        summary = import_file(engine, Path(args.file))
    finally:
        engine.dispose()
    print(summary.describe())
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.demo import DEMO_DATA
    from gateway.store.db import create_engine_for, init_database
    from gateway.store.importer import import_file

    init_database(settings)
    engine = create_engine_for(settings)
    try:
        summary = import_file(engine, DEMO_DATA)
    finally:
        engine.dispose()
    print("demo data loaded:", summary.describe())
    print(f"database: {_safe_url(settings.effective_database_url)}")
    print("whom to try: docs/demo-people.md")
    return 0


def _cmd_registry_sim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.registry.simulator import run_from_cli

    return run_from_cli(args, settings)


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.serve import serve
    from gateway.store.db import init_database

    init_database(settings)
    serve(
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
    )
    return 0


def _cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.domain.personal_code import parse_personal_code
    from gateway.store.audit import accesses_to
    from gateway.store.db import create_engine_for

    person = parse_personal_code(args.person)
    engine = create_engine_for(settings)
    try:
        lines = accesses_to(engine, person.digits, limit=args.limit)
    finally:
        engine.dispose()
    print(f"accesses to the data of {person.display}: {len(lines)}")
    for line in lines:
        who = (
            "self"
            if line.requester_code == line.subject_code
            else (
                f"{line.requester_code[:6]}-{line.requester_code[6:]}"
                if line.requester_code
                else "?"
            )
        )
        print(
            f"{line.at:%Y-%m-%d %H:%M:%S}Z  {line.service:<24} {line.outcome:<8} "
            f"{line.reason or '':<22} by {who:<13} via {line.client or '?'}  "
            f"id {line.message_id or '?'}"
        )
    return 0


def _cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.errors import SignatureInvalid
    from gateway.signing.keys import pinned_ca_file
    from gateway.signing.verify import verify_file

    ca = Path(args.ca) if args.ca else pinned_ca_file(settings.signing, settings.data_dir)
    if ca is None:
        print("gateway verify: name the CA certificate with --ca", file=sys.stderr)
        return 2
    try:
        checks = verify_file(Path(args.file), ca_file=ca)
    except SignatureInvalid as exc:
        print(f"FAILED ({exc.reason}): {exc}")
        return 1
    for check in checks:
        print(f"ok  {check}")
    print(f"{args.file}: valid")
    return 0


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, date, datetime

    from gateway.documents.workbook import write_workbook
    from gateway.services.report import institution_results
    from gateway.store.db import create_engine_for

    try:
        selection = date.fromisoformat(args.date)
    except ValueError:
        print(f"gateway report: --date must be YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    engine = create_engine_for(settings)
    try:
        report = institution_results(engine, args.institution, args.education, selection, now)
    finally:
        engine.dispose()
    rows = write_workbook(report, Path(args.output), now)
    print(f"{args.output}: {rows} results of {report.institution_name} ({args.education}), "
          f"sessions published by {selection:%d.%m.%Y}")
    return 0


def _safe_url(url: str) -> str:
    """A database URL without its password, fit for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="bring the database to the newest schema")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("import", help="load a VISC import file (RULES §9)")
    p.add_argument("file", help="the JSON file")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("demo", help="load the bundled demo data set")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("serve", help="serve the X-Road SOAP services under gunicorn")
    p.add_argument("--host", help="listen address (default: settings.host)")
    p.add_argument("--port", type=int, help="listen port (default: settings.port)")
    p.add_argument("--workers", type=int, help="worker processes (default: settings.workers)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("audit", help="who accessed a person's data (RULES §7)")
    p.add_argument("--person", required=True, help="the personal code")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("verify", help="verify an .edoc or a signed SOAP answer")
    p.add_argument("file", help="the .edoc container or the SOAP answer (XML)")
    p.add_argument("--ca", help="the CA certificate to pin (default: settings, or the demo CA)")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("report", help="write the VIIS results report of a school (.xlsx)")
    p.add_argument("--date", required=True, help="selection date, YYYY-MM-DD (RULES §12)")
    p.add_argument("--institution", required=True, help="the institution's code")
    p.add_argument("--education", required=True, choices=("basic", "secondary"),
                   help="education type: basic or secondary education acquired")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("registry-sim", help="serve the population register simulator")
    p.add_argument("--fixture", help="register fixture (RULES §10); default: the demo one")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
    p.add_argument(
        "--fail",
        choices=("none", "error", "garbage"),
        default="none",
        help="answer every call with an HTTP 500 or with a malformed body",
    )
    p.set_defaults(func=_cmd_registry_sim)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level)
        configure_logs(level, settings.log_format)
        if not args.verbose:
            logging.getLogger("alembic").setLevel(logging.WARNING)
        func: Command = args.func
        return func(args, settings)
    except ConfigurationError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    except GatewayError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
