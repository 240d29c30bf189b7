"""A SOAP call leaves nothing for the garbage collector to find: what it made goes when it
ends (issue 27). spyne's method context and its protocol contexts point at one another; left
as they were, those cycles held each call's request and answer trees, its parser and its
audit entry (48 objects a call) until a collection found them, and every collection walked
them on the way of the calls being answered."""

from __future__ import annotations

import gc
import io
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from gateway.documents.issue import DocumentIssuer
from gateway.registry.client import RegistryClient
from gateway.runtime import Runtime
from gateway.settings import load_settings
from gateway.signing.keys import load_eseal_key, load_signer_key
from gateway.soap.app import create_app
from tests.soap import envelopes as E

CALLS = 20


def test_a_call_leaves_no_cycles_behind(tmp_path: Path, engine: Engine) -> None:
    settings = load_settings(data_dir=tmp_path, registry_url="http://127.0.0.1:9/",
                             allowed_clients={"getExamResults": ["LV/GOV/90000026101/LVPORTAALS"]})
    runtime = Runtime(settings=settings, engine=engine, registry=RegistryClient(settings),
                      signer=load_signer_key(settings.signing, tmp_path),
                      issuer=DocumentIssuer(load_eseal_key(settings.signing, tmp_path),
                                            lambda: datetime.now(UTC)))
    app = create_app(runtime)
    body = E.envelope()  # one's own results: no register call

    def call() -> None:
        status, answer = app.soap({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "text/xml",
                                   "CONTENT_LENGTH": str(len(body)),
                                   "wsgi.input": io.BytesIO(body)})
        assert status == 200, answer[:300]

    for _ in range(3):  # caches, the pool, compiled statements
        call()
    gc.collect()
    gc.disable()
    try:
        for _ in range(CALLS):
            call()
        found = gc.collect()
    finally:
        gc.enable()
    assert found < CALLS * 10, f"{found / CALLS:.0f} objects in cycles a call"
