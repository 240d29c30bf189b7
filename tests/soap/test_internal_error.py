"""An unexpected failure is Server.InternalError, with nothing of its cause in the answer."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from gateway.documents.issue import DocumentIssuer
from gateway.ns import SOAP11_ENV, VPIS
from gateway.registry.client import RegistryClient
from gateway.runtime import Runtime
from gateway.settings import load_settings
from gateway.signing.keys import load_eseal_key, load_signer_key
from gateway.soap.app import GatewayApp, create_app
from gateway.store.db import create_engine_from_url
from tests.soap import envelopes as E
from tests.soap.helpers import assert_no_leak


def broken_database_app(tmp_path: Path) -> GatewayApp:
    """The gateway in-process, on a database that never answers."""
    settings = load_settings(data_dir=tmp_path, registry_url="http://127.0.0.1:9/",
                             allowed_clients={"getExamResults": ["LV/GOV/90000026101/LVPORTAALS"]})
    broken = create_engine_from_url("postgresql+psycopg://nobody@127.0.0.1:9/none")
    runtime = Runtime(settings=settings, engine=broken, registry=RegistryClient(settings),
                      signer=load_signer_key(settings.signing, tmp_path),
                      issuer=DocumentIssuer(load_eseal_key(settings.signing, tmp_path),
                                            lambda: datetime.now(UTC)))
    return create_app(runtime)


def test_a_database_failure_is_an_internal_error_without_details(tmp_path: Path) -> None:
    app = broken_database_app(tmp_path)
    body = E.envelope()
    status, answer = app.soap({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "text/xml",
                               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)})
    assert status == 500
    root = etree.fromstring(answer)
    fault = root.find(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") == "soapenv:Server.InternalError"
    assert fault.findtext(f"detail/{{{VPIS}}}faultDetail/{{{VPIS}}}code") == "InternalError"
    assert_no_leak(answer)
    assert b"nobody" not in answer and b"5432" not in answer


def test_an_error_is_handed_to_the_boundary_not_logged_by_spyne(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The operation's error reaches the one boundary as raised; spyne neither logs it nor
    runs its periodic full garbage collection on the request path."""
    import gc

    app = broken_database_app(tmp_path)
    body = E.envelope()
    collections = gc.get_stats()[2]["collections"]
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            status, _answer = app.soap({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "text/xml",
                                        "CONTENT_LENGTH": str(len(body)),
                                        "wsgi.input": io.BytesIO(body)})
            assert status == 500
    assert not [r for r in caplog.records
                if r.name.startswith("spyne") and r.levelno >= logging.WARNING
                and "Overwriting" not in r.getMessage()]
    assert [r for r in caplog.records if r.name == "gateway.soap.app" and r.exc_info]
    assert gc.get_stats()[2]["collections"] - collections <= 1
