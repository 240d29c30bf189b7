"""Prometheus metrics of the gateway, served at ``/metrics``.

gunicorn runs several worker processes, so the metrics use prometheus_client's multiprocess
mode: ``gateway serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before any
worker starts and before prometheus_client is first imported (it picks its mode at import;
see :func:`gateway.serve.prepare_metrics_dir`), every worker writes its samples there, and a
scrape of any worker reads them all. Without that variable (tests, one process) the metrics
live in the process. No label ever carries a personal code.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

ENV = "PROMETHEUS_MULTIPROC_DIR"
_BUCKETS = (0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
            2.5, 5.0)

REQUESTS = Counter("vpis_requests", "SOAP calls answered, by service and outcome",
                   ["service", "outcome"])
LATENCY = Histogram("vpis_request_seconds", "Time to answer a SOAP call", ["service"],
                    buckets=_BUCKETS)
REGISTRY_CALLS = Counter("vpis_registry_calls", "Calls to the population register, by result",
                         ["result"])
REGISTRY_CACHE = Counter("vpis_registry_cache", "Register answers looked up in the cache",
                         ["result"])
AUDIT_WRITE = Histogram("vpis_audit_write_seconds", "Time to commit one audit record",
                        buckets=_BUCKETS)
AUDIT_GROUP = Histogram("vpis_audit_group_records", "Audit records committed together",
                        buckets=(1, 2, 3, 4, 6, 8, 16, 32, 64))
DOCUMENTS = Counter("vpis_edocuments", "E-documents served: sealed now or served as stored",
                    ["how"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def worker_exited(pid: int) -> None:
    """Forget the live gauges of a worker that exited (gunicorn's ``child_exit``)."""
    if os.environ.get(ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def render() -> bytes:
    """The text exposition of every metric, across all workers when multiprocess."""
    if os.environ.get(ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))
    return bytes(generate_latest())
