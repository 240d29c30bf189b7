"""What a gateway worker does once its application is built (gunicorn's post_worker_init)."""

from __future__ import annotations

import gc

from gateway.serve import gunicorn_options
from gateway.settings import Settings


def test_a_worker_takes_what_built_it_out_of_the_collectors_walks() -> None:
    """The modules, schemas and portal a worker built live as long as it does: frozen, so
    that a full collection no longer walks them on the way of every call (issue 27)."""
    hook = gunicorn_options(Settings(), host="127.0.0.1", port=8080, workers=1)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        hook["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # this process's modules, at least
    finally:
        gc.unfreeze()
