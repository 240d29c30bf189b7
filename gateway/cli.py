"""The ``gateway`` command: the one entry point where settings are built and passed in."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path

from gateway.edoc_cli import register as register_edoc_commands
from gateway.errors import (
    CommandRefused,
    ConfigurationError,
    GatewayError,
    InvalidPersonalCode,
    ProductionRefused,
)
from gateway.logs import configure as configure_logs
from gateway.logs import escape
from gateway.settings import DEFAULT_CONFIG, Settings, config_file, load_settings

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, Settings], int]

DESCRIPTION = """\
The VPIS gateway: the X-Road services EP181 (exam results) and EP226 (certificates) of
Latvia's State Examination Information System, and the tools to run them.

Settings come from config/gateway.toml, or the file named by --config or GATEWAY_CONFIG,
and from GATEWAY_* environment variables; a relative data_dir is taken from the
configuration file's directory. Only `init` and `serve` make demo keys."""


def _cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.production import refuse_demo_parts
    from gateway.signing.keys import load_signer_key
    from gateway.signing.share_key import ensure_share_key
    from gateway.soap.operations import check_allow_list
    from gateway.store.db import check_database, init_database

    refuse_demo_parts(settings)  # before any demo key is made
    check_allow_list(settings)  # what `serve` would refuse, refused before anything is written
    check_database(settings)
    url = init_database(settings)
    print(f"database ready: {_safe_url(url)}")
    key = load_signer_key(settings.signing, settings.data_dir)  # makes demo keys if none set
    print(f"signing key ready: {key.certificate.subject.rfc4514_string()}")
    share_key = ensure_share_key(settings.share_key_file, settings.data_dir)
    print(f"share code key ready: {share_key}")
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.store.db import check_database, create_engine_for, init_database
    from gateway.store.importer import import_file

    source = readable_file(Path(args.file), "import file", "name an existing VISC import file")
    check_database(settings)
    init_database(settings)
    engine = create_engine_for(settings)
    try:
        summary = import_file(engine, source)
    finally:
        engine.dispose()
    print(summary.describe())
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.demo.corrections import demo_document, load_demo_appeal
    from gateway.demo.shares import load_demo_shares
    from gateway.errors import ProductionRefused
    from gateway.signing.share_key import load_share_key, share_key_exists
    from gateway.store.db import check_database, create_engine_for, init_database
    from gateway.store.importer import import_document

    if settings.environment == "production":
        raise ProductionRefused(["environment: the demo data set is never loaded in production"])
    check_database(settings)
    init_database(settings)
    engine = create_engine_for(settings)
    try:
        summary = import_document(engine, demo_document())
        load_demo_appeal(engine)
        if share_key_exists(settings.share_key_file, settings.data_dir):
            load_demo_shares(engine, load_share_key(settings.share_key_file, settings.data_dir))
        else:  # every command but init and serve works with what is there
            print("no share key yet (gateway init makes it): the demo shares were not made")
    finally:
        engine.dispose()
    print("demo data loaded:", summary.describe())
    print(f"database: {_safe_url(settings.effective_database_url)}")
    print("whom to try: docs/demo-people.md")
    return 0


def _cmd_registry_sim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.simulators.register import run_from_cli

    if settings.environment == "production":
        raise ProductionRefused(["environment: the register simulator is never run in production"])
    return run_from_cli(args, settings)


def _cmd_ejournal_sim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.simulators.ejournal.server import run_from_cli

    return run_from_cli(args, settings)


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.production import refuse_demo_parts
    from gateway.serve import serve
    from gateway.store.db import check_database, init_database

    refuse_demo_parts(settings)
    check_database(settings)
    serve(  # checks the allow-list, migrates, then tries the whole configuration before forking
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        prepare=lambda: init_database(settings),
    )
    return 0


def _cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.domain.personal_code import parse_personal_code
    from gateway.services.access_log import operator_access_log
    from gateway.store.db import check_database, create_engine_for

    try:
        person = parse_personal_code(args.person)
    except InvalidPersonalCode as exc:
        raise CommandRefused(f"not a valid personal code ({exc.detail})", "audit --person",
                             "give 11 digits, DDMMYY-CNNNX or DDMMYYCNNNX") from None
    check_database(settings, existing=True)
    engine = create_engine_for(settings)
    try:  # the same accesses getAccessLog and the portal show (RULES §13)
        entries = operator_access_log(engine, settings.client_kinds, person, limit=args.limit)
    finally:
        engine.dispose()
    print(f"accesses to the data of {person.display}: {len(entries)}")
    for entry in entries:
        who = f"{entry.accessor} ({entry.accessor_name})" if entry.accessor_name else entry.accessor
        print(
            f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.service:<24} {entry.outcome:<8} "
            f"{entry.reason or '':<22} by {who:<24} via {entry.client or '?'}  "
            f"id {entry.message_id or '?'}"
        )
    return 0


def _cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.errors import SignatureInvalid
    from gateway.signing.keys import pinned_ca_file
    from gateway.signing.verify import verify_file

    if args.ca:
        ca, origin = Path(args.ca).absolute(), "--ca"
    elif settings.signing.ca_file is not None:
        ca, origin = settings.signing.ca_file, "signing.ca_file"
    else:
        found = pinned_ca_file(settings.signing, settings.data_dir)
        if found is None:
            raise CommandRefused("no CA is configured", "signing.ca_file", "name one with --ca")
        ca, origin = found, f"the demo CA in data_dir {settings.data_dir}"
    if not ca.is_file():
        todo = "name one with --ca"
        if origin.startswith("the demo"):
            todo = "run `gateway init` to make the demo keys, or " + todo
            if not (args.config or config_file()).is_file():  # outside the checkout
                todo = (f"no {DEFAULT_CONFIG} here, so data_dir is not the checkout's: run it "
                        "from the checkout, name its settings with --config "
                        "(e.g. --config ~/vpis/config/gateway.toml), or " + todo)
        raise CommandRefused("no CA certificate", f"{ca} ({origin})", todo)
    readable_file(Path(args.file), "file to verify", "name the .edoc or the signed answer")
    print(f"CA: {ca} ({origin})")
    try:
        checks = verify_file(Path(args.file), ca_file=ca)
    except SignatureInvalid as exc:
        print(f"FAILED ({exc.reason}): {exc}")
        return 1
    for check in checks:
        print(f"ok  {check}")
    print(f"{args.file}: valid")
    if args.status_from:
        return _print_status(args, settings, ca)
    return 0


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, date, datetime

    from gateway.reports.workbook import write_workbook
    from gateway.services.report import institution_results
    from gateway.store.db import check_database, create_engine_for

    try:
        selection = date.fromisoformat(args.date)
    except ValueError:
        raise CommandRefused(f"not a date: {args.date!r}", "report --date",
                             "write it YYYY-MM-DD") from None
    output = writable_file(Path(args.output), "report -o")
    check_database(settings, existing=True)
    now = datetime.now(UTC)
    engine = create_engine_for(settings)
    try:
        report = institution_results(engine, args.institution, args.education, selection, now)
    finally:
        engine.dispose()
    rows = write_workbook(report, output, now)
    print(f"{args.output}: {rows} results of {report.institution_name} ({args.education}), "
          f"sessions published by {selection:%d.%m.%Y}")
    return 0


def _print_status(args: argparse.Namespace, settings: Settings, ca: Path) -> int:
    """``--status-from``: what became of the certificate since (RULES §13)."""
    from gateway.domain.personal_code import parse_personal_code
    from gateway.errors import GatewayError
    from gateway.signing.trust import load_anchors
    from gateway.status_query import number_in_edoc, query_status

    if not (args.holder and args.user):
        print("gateway verify: --status-from needs --holder and --user", file=sys.stderr)
        return 2
    own = settings.xroad_self
    try:
        status = query_status(
            args.status_from, number_in_edoc(Path(args.file).read_bytes()),
            parse_personal_code(args.holder), user=parse_personal_code(args.user),
            client=args.client, ca=load_anchors(ca),
            service={"xRoadInstance": own.instance, "memberClass": own.member_class,
                     "memberCode": own.member_code, "subsystemCode": own.subsystem_code})
    except GatewayError as exc:
        print(f"status: FAILED ({exc.code}): {exc}")
        return 1
    except Exception as exc:  # the gateway did not answer as its contract says
        print(f"status: FAILED (no answer): {type(exc).__name__}")
        return 1
    print(f"status: {status.describe()} (answer signature checked)")
    return 0 if status.status == "valid" else 3


def readable_file(path: Path, what: str, todo: str) -> Path:
    """``path`` when it is a file this process can read; else the command is refused."""
    if not path.exists():
        raise CommandRefused(f"{what} not found", str(path), todo)
    if not path.is_file():
        raise CommandRefused(f"{what} is not a file", str(path), todo)
    if not os.access(path, os.R_OK):
        raise CommandRefused(f"{what} cannot be read (permission denied)", str(path),
                             "check its permissions")
    return path


def writable_file(path: Path, option: str) -> Path:
    """``path`` when a file can be written there (its folder exists and is writable)."""
    folder = path.absolute().parent
    where = f"{path} ({option})"
    if path.is_dir():
        raise CommandRefused("output is a folder, not a file", where, "name a file to write")
    if not folder.is_dir():
        raise CommandRefused("output folder does not exist", where,
                             "create the folder first or name another file")
    if not os.access(folder, os.W_OK):
        raise CommandRefused("output folder is not writable", where,
                             "check its permissions or name another file")
    return path


def _safe_url(url: str) -> str:
    """A database URL without its password, fit for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gateway", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG")
    parser.add_argument(
        "--config", type=Path, metavar="FILE",
        help="the settings file (default: GATEWAY_CONFIG, else config/gateway.toml)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "init", help="bring the database to the newest schema; make demo keys if none are set"
    )
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
    p.add_argument("--limit", type=int, default=1000,
                   help="show at most this many accesses, newest first (default: 1000)")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("verify", help="verify an .edoc or a signed SOAP answer")
    p.add_argument("file", help="the .edoc container or the SOAP answer (XML)")
    p.add_argument(
        "--ca", metavar="FILE",
        help="the CA certificate to pin (default: signing.ca_file, else the demo CA that "
        "`gateway init` made in data_dir); the one used is printed",
    )
    p.add_argument("--status-from", metavar="URL",
                   help="also ask the gateway at URL for the certificate's status (RULES §13)")
    p.add_argument("--holder", help="with --status-from: the holder's personal code")
    p.add_argument("--user", help="with --status-from: your personal code (X-Road userId)")
    p.add_argument("--client", default="LV/EDU/90000076669/LU",
                   help="with --status-from: your X-Road client, INSTANCE/CLASS/MEMBER[/SUB]")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("report", help="write the VIIS results report of a school (.xlsx)")
    p.add_argument("--date", required=True, help="selection date, YYYY-MM-DD (RULES §12)")
    p.add_argument("--institution", required=True, help="the institution's code")
    p.add_argument("--education", required=True, choices=("basic", "secondary"),
                   help="education type: basic or secondary education acquired")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("registry-sim", help="serve a register simulator (population or prison)")
    p.add_argument("--register", choices=("pmlp", "ievp"), default="pmlp",
                   help="pmlp: the population register; ievp: the Prison Administration's")
    p.add_argument("--fixture", help="register fixture (RULES §10); default: the demo one")
    p.add_argument("--host", default="127.0.0.1",
                   help="listen address (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8081, help="listen port (default: 8081)")
    p.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
    p.add_argument(
        "--fail",
        choices=("none", "error", "garbage"),
        default="none",
        help="answer every call with an HTTP 500 or with a malformed body",
    )
    p.set_defaults(func=_cmd_registry_sim)

    p = sub.add_parser("ejournal-sim", help="serve the e-journal OpenID Connect simulator")
    p.add_argument("--host", default="127.0.0.1", help="listen address (loopback only)")
    p.add_argument("--port", type=int, default=8082,
                   help="listen port; the issuers are http://HOST:PORT/eklase and /mykoob")
    p.add_argument(
        "--misbehave",
        choices=("none", "wrong-nonce", "bad-signature", "expired", "wrong-issuer",
                 "wrong-audience", "tampered", "bad-personal-code"),
        default="none",
        help="issue ID tokens that lie in this way (for attack tests)",
    )
    p.set_defaults(func=_cmd_ejournal_sim)
    register_edoc_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(args.config)
        level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level)
        configure_logs(level, settings.log_format)
        if not args.verbose:
            logging.getLogger("alembic").setLevel(logging.WARNING)
        func: Command = args.func
        code = func(args, settings)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        _interrupt_ends_at_once()
        return code
    except BrokenPipeError:  # `gateway audit … | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _interrupt_ends_at_once()
        say("gateway: interrupted")
        return 130
    except CommandRefused as exc:
        say(f"gateway: {exc}")
        return exc.exit_code
    except ProductionRefused as exc:  # one line per problem, each on its own
        for line in str(exc).split("\n"):
            say(f"gateway: {line}" if not line.startswith(" ") else line)
        return 2
    except ConfigurationError as exc:
        say(f"gateway: {exc}")
        return 2
    except GatewayError as exc:
        say(f"gateway: {exc}")
        return 1
    except Exception as exc:
        refused = _refusal(exc)
        if refused is None:
            raise
        say(f"gateway: {refused}")
        return refused.exit_code


def say(line: str) -> None:
    """One line to stderr, with whatever it quotes (a file name, an argument, a driver's
    message) escaped by the log formatter's one rule (:func:`gateway.logs.escape`): no value
    can start a line of its own (CWE-117)."""
    print(escape(line), file=sys.stderr, flush=True)


def _refusal(exc: Exception) -> CommandRefused | None:
    """An ordinary failure outside the error tree as the refusal it is, else ``None``: the
    database failing mid-command, a file that vanished after its check."""
    from sqlalchemy.exc import DBAPIError

    from gateway.store.db import database_refusal

    if isinstance(exc, DBAPIError):
        return database_refusal(exc, None)
    if isinstance(exc, OSError) and exc.filename is not None:
        return CommandRefused(f"cannot use the file ({exc.strerror or type(exc).__name__})",
                              str(exc.filename), "check the path and its permissions",
                              exit_code=1)
    return None


def _interrupt_ends_at_once() -> None:
    """From here on, Ctrl-C ends the process at once with 130: an interrupt that lands in an
    exit step (a pool's clean-up at exit) must neither print a traceback nor exit 0."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when embedded
        signal.signal(signal.SIGINT, lambda *_: os._exit(130))


def run() -> None:
    """The program ``gateway`` (and ``python -m gateway.cli``): :func:`main`, then out at once.

    Whatever a command made it has closed itself (engines disposed, files written, servers
    stopped); what is left after it returned is the interpreter's finalization of the ~1,400
    modules it imported, a quarter of a second of CPU per command. Its output is flushed and
    the process ends with the command's status. An exception :func:`main` does not turn into
    a line propagates as before."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError):  # a reader that went away has all it wanted
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
