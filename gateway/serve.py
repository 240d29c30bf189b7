"""``gateway serve``: the WSGI application under gunicorn.

Each worker builds its own :class:`~gateway.runtime.Runtime` after the fork (database pool,
register client, signing key), so no connection or socket is shared between processes. The
master builds one first and closes it (:func:`check_before_fork`): a setting that would stop
every worker stops ``gateway serve`` with one line instead, before anything forks.

Signals: SIGTERM stops gracefully (requests in flight finish), SIGINT and SIGQUIT at once, and
SIGHUP — a closed terminal — like SIGTERM, never gunicorn's "reload": the gateway never outlives
the session that started it (an orphan would keep the port); the workers' side is
:class:`_StopCleanly`.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gunicorn.workers.base
import gunicorn.workers.gthread
import gunicorn.workers.sync
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from gateway.errors import CommandRefused
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = logging.getLogger(__name__)

AppFactory = Callable[[Settings], Any]


_WORKER_RUNTIMES: list[Runtime] = []
"""The runtime this worker built, closed should it be stopped before it finished booting."""


def gateway_app(settings: Settings) -> Any:
    """The gateway's WSGI application for one worker."""
    from gateway.runtime import Runtime

    runtime = Runtime.build(settings)
    _WORKER_RUNTIMES.append(runtime)
    return combined_app(runtime)


def combined_app(runtime: Runtime) -> Any:
    """One process, one runtime: ``/portal/`` is the student portal (RULES §11), the rest the
    SOAP application; the portal is left out when ``portal.enabled`` is off."""
    from gateway.soap.app import create_app

    soap = create_app(runtime)
    if not runtime.settings.portal.enabled:
        return soap
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from gateway.portal.app import create_portal

    return DispatcherMiddleware(soap, {"/portal": create_portal(runtime),
                                       "/verify": verify_redirect})


def verify_redirect(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """``/verify?…`` — the short address printed on certificates and in share links (RULES
    §14) — leads to the public verification page ``/portal/verify?…``, query and all."""
    query = environ.get("QUERY_STRING", "")
    if len(query) > 512 or environ.get("PATH_INFO", "") not in ("", "/"):
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found"]
    target = environ.get("SCRIPT_NAME", "").removesuffix("/verify") + "/portal/verify"
    location = target + ("?" + query if query else "")
    start_response("303 See Other", [("Location", location), ("Content-Length", "0"),
                                     ("Cache-Control", "no-store")])
    return [b""]


class GatewayServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn with its options from the gateway's settings, not from a config file."""

    def __init__(self, settings: Settings, options: dict[str, Any],
                 factory: AppFactory = gateway_app) -> None:
        self.settings = settings
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.factory(self.settings)

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as exc:  # gunicorn's own refusals
            raise CommandRefused(f"gunicorn did not start ({exc})", str(self.options["bind"]),
                                 "see the log lines above", exit_code=1) from None


class _Arbiter(Arbiter):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's master, with SIGHUP stopping it (gracefully, as SIGTERM) instead of
    reloading: a hang-up means the terminal that owns the gateway is gone."""

    def handle_hup(self) -> None:
        self.log.info("Hang up: stopping")
        self.handle_term()

    def spawn_worker(self) -> Any:
        """Fork with the stop signals blocked: one that arrives before the new worker has its
        own handlers stays pending (it is delivered when :class:`_StopCleanly` installs them)
        instead of reaching the master's handlers, copied into the worker, which swallowed it
        — the worker then booted on and was killed after the graceful timeout."""
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            return super().spawn_worker()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


class _StopCleanly:
    """What the gateway's gunicorn workers add to gunicorn's, so that they stop cleanly.

    - SIGHUP (the terminal closed; it reaches the workers too) ends a worker as SIGTERM does,
      after its requests in flight, instead of killing it on the spot.
    - A worker that begins to quit (SIGINT or SIGQUIT) lets no further stop signal interrupt
      its exit: Ctrl-C reaches the master and the workers together, and the master then sends
      SIGQUIT as well. Handled again, that second signal raised a second SystemExit wherever
      the exiting worker happened to be — inside SQLAlchemy's garbage-collection callback
      ``registry._collection_gced`` it printed a traceback (about one Ctrl-C in three). The
      later signals now meet a handler that does nothing.
    - Once the worker has finished (:func:`_worker_exited`), stop signals are ignored outright:
      Python gives signals back their default action while it finalizes, and the master's
      SIGTERM arriving then killed the worker ("was sent SIGTERM!") half-way through its exit.
    """

    alive: bool

    def init_signals(self) -> None:
        super().init_signals()  # type: ignore[misc]
        signal.signal(signal.SIGHUP, self.handle_exit)  # type: ignore[attr-defined]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked across the fork

    def handle_quit(self, sig: int, frame: Any) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, _already_quitting)
        if not self.booted:  # type: ignore[attr-defined]
            # Still loading the application: it has served nothing. gunicorn's way out, a
            # SystemExit raised wherever the loading is, can be swallowed there (a bare
            # ``except:`` around an import in a library); the worker then booted on, deaf to
            # every later signal, until the master killed it. So it leaves here and now.
            self.log.info("Worker exiting (pid: %s)", os.getpid())  # type: ignore[attr-defined]
            _leave_now(0)
        # gunicorn's base worker: out with SystemExit. Not the gthread worker's own, which
        # first shuts its thread pool down from within this handler: when the signal landed
        # while the main thread was handing a connection to the pool (inside the pool's
        # ``submit``, holding its lock to start a thread), ``shutdown`` waited for that same
        # lock for ever, until the master killed the worker after the graceful timeout ("was
        # sent SIGKILL"; about one Ctrl-C in ten under load). The pool's threads end with the
        # worker (:func:`_worker_exited`).
        gunicorn.workers.base.Worker.handle_quit(self, sig, frame)


STOP_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP)


def _already_quitting(_sig: int, _frame: Any) -> None:
    """The worker is on its way out already."""


def _worker_exited(_server: Any, worker: Any) -> None:
    """gunicorn's ``worker_exit``, in the worker after it finished: nothing is left to stop.

    Stop signals are ignored from here on (a handler that does nothing goes first, so that a
    signal already pending finds one). The worker then leaves at once (:func:`_leave_now`):
    one that served has answered everything (each audit record was committed before its
    answer, RULES §7), one that failed to boot has served nothing; the interpreter's
    finalization of ~1,400 modules took half a second per worker per stop, and in a worker
    that failed half-way through an import it could spin in C code for longer than the
    master's graceful timeout, until the master killed it (SIGKILL)."""
    for each in STOP_SIGNALS:
        signal.signal(each, _already_quitting)
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    _leave_now(_exit_status(sys.exc_info()[1]))


def _leave_now(status: int) -> None:
    """End a process that has finished its work at once: its runtime closed if one was
    built (pools returned, connections closed), its logs flushed, no interpreter
    finalization (nothing registered with ``atexit`` is left to run in a gateway process)."""
    while _WORKER_RUNTIMES:
        _WORKER_RUNTIMES.pop().close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _exit_status(exc: BaseException | None) -> int:
    """The status a worker leaves with: its ``SystemExit``'s, else 1."""
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0 if exc is None else 1


class SyncWorker(_StopCleanly, gunicorn.workers.sync.SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker, stopping cleanly (:class:`_StopCleanly`)."""


class ThreadWorker(_StopCleanly, gunicorn.workers.gthread.ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, stopping cleanly (:class:`_StopCleanly`)."""


def worker_class(settings: Settings) -> type[Any]:
    """The worker for ``settings``: sync only with one thread, as gunicorn itself decides."""
    return SyncWorker if settings.worker_class == "sync" and settings.threads == 1 else ThreadWorker


def gunicorn_options(settings: Settings, *, host: str, port: int, workers: int
                     ) -> dict[str, Any]:
    """gunicorn's options for the gateway (and for anything measured beside it)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class(settings),
        "threads": settings.threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "backlog": 512,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vpis-gateway",
        "control_socket_disable": True,  # several gateways may run side by side (tests)
        "child_exit": _child_exit,
        "worker_exit": _worker_exited,
        "post_worker_init": _settled,
    }


def prepare_metrics_dir(directory: Path) -> None:
    """Point every worker's metrics at ``directory`` (emptied), as prometheus_client's
    multiprocess mode wants: before any worker starts and before the library is imported."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess set-up")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _settled(_worker: Any) -> None:
    """gunicorn's ``post_worker_init``, in the worker once its application is built: what
    was made to build it (about 150,000 objects: modules, schemas, the portal) lives as long
    as the worker, so it leaves the garbage collector's care. A full collection walked all
    of it again, 48 ms with no thread of the worker running, every couple of thousand calls
    (issue 27); now it walks what the calls made since."""
    gc.collect()
    gc.freeze()


def _child_exit(server: Any, worker: Any) -> None:
    from gateway.metrics import worker_exited

    worker_exited(worker.pid)


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on, at once (gunicorn would retry for 5 s)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandRefused(f"cannot listen ({exc.strerror})", f"{host}:{port} (host, port)",
                                 "stop what listens there, or choose another --port",
                                 exit_code=1) from None


def check_before_fork(settings: Settings) -> None:
    """Build what every worker will build — the runtime (database, keys, registers) and the
    applications (allow-list, schemas, portal) — once in the master, then close it: a setting
    that would stop each worker is refused here, as one error of the error tree."""
    from gateway.runtime import Runtime

    runtime = Runtime.build(settings)
    try:
        combined_app(runtime)
    finally:
        runtime.close()


def serve(settings: Settings, *, host: str, port: int, workers: int,
          factory: AppFactory = gateway_app, prepare: Callable[[], object] | None = None) -> None:
    """Run the application until stopped (SIGTERM, SIGINT, SIGQUIT or SIGHUP).

    ``prepare`` (``gateway serve``: the schema migration) runs once the whole configuration
    has been tried in the master, before the workers fork."""
    _check_port_free(host, port)
    prepare_metrics_dir(settings.data_dir / "metrics" / str(port))
    if factory is gateway_app:
        from gateway.soap.operations import check_allow_list

        check_allow_list(settings)  # before a demo key or the database is made
        check_before_fork(settings)  # before `prepare` writes anything
    if prepare is not None:
        prepare()
    options = gunicorn_options(settings, host=host, port=port, workers=workers)
    log.info("serving on http://%s:%d/ with %d %s workers", host, port, workers,
             settings.worker_class)
    try:
        GatewayServer(settings, options, factory).run()
    except SystemExit as stopped:  # gunicorn's way out, in the master once its workers are gone
        _leave_now(_exit_status(stopped))
