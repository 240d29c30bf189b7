"""End-to-end fixtures: a running stand per database, zeep reading the committed WSDL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from sqlalchemy import Engine

from gateway.store.db import create_engine_from_url
from tests.conftest import fresh_pg_schema
from tests.stand import PORTAL, REPO, Stand, running_stand

WSDL = REPO / "wsdl" / "vpis.wsdl"
BINDING = "{http://vpis.visc.gov.lv/xroad/vpis/v1}vpisBinding"


class _Stands:
    """The stands of this process, one per database, started on first use and stopped at the
    session's end: under pytest-xdist a worker runs a file's SQLite and PostgreSQL tests in
    turn, and a parametrised session fixture would stop and start its stand at every turn."""

    def __init__(self, stack: ExitStack, tmp: pytest.TempPathFactory) -> None:
        self.stack, self.tmp = stack, tmp
        self.running: dict[str, Stand] = {}
        self.engines: dict[str, Engine] = {}
        self.callers: dict[str, Caller] = {}

    def stand(self, kind: str) -> Stand:
        if kind not in self.running:
            data_dir = self.tmp.mktemp(f"stand-{kind}")
            if kind == "sqlite":
                url = f"sqlite:///{data_dir / 'gateway.db'}"
            else:
                url = self.stack.enter_context(fresh_pg_schema("gw_e2e"))
            self.running[kind] = self.stack.enter_context(running_stand(data_dir, url))
        return self.running[kind]

    def engine(self, kind: str) -> Engine:
        if kind not in self.engines:
            engine = create_engine_from_url(self.stand(kind).database_url)
            self.stack.callback(engine.dispose)
            self.engines[kind] = engine
        return self.engines[kind]

    def caller(self, kind: str) -> Caller:
        if kind not in self.callers:
            self.callers[kind] = Caller(self.stand(kind))
        return self.callers[kind]


@pytest.fixture(scope="session")
def _stands(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Stands]:
    with ExitStack() as stack:
        yield _Stands(stack, tmp_path_factory)


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql",
                                                                  marks=pytest.mark.postgres)])
def stand(request: pytest.FixtureRequest, _stands: _Stands) -> Stand:
    """The running stand on each database (one per process, ``_Stands``)."""
    kind: str = request.param
    return _stands.stand(kind)


@pytest.fixture(scope="session")
def stand_engine(stand: Stand, _stands: _Stands) -> Engine:
    return _stands.engine(_kind_of(stand, _stands))


def _kind_of(stand: Stand, stands: _Stands) -> str:
    return next(kind for kind, running in stands.running.items() if running is stand)


def xroad_headers(user: str, *, service_code: str = "getExamResults", client: str = PORTAL,
                  message_id: str | None = None) -> dict[str, Any]:
    """The X-Road headers latvija.gov.lv sends, as zeep takes them."""
    instance, member_class, member, *subsystem = client.split("/")
    client_header: dict[str, Any] = {
        "objectType": "SUBSYSTEM" if subsystem else "MEMBER",
        "xRoadInstance": instance, "memberClass": member_class, "memberCode": member,
    }
    if subsystem:
        client_header["subsystemCode"] = subsystem[0]
    return {
        "client": client_header,
        "service": {
            "objectType": "SERVICE", "xRoadInstance": "LV", "memberClass": "GOV",
            "memberCode": "90000022399", "subsystemCode": "VPIS",
            "serviceCode": service_code, "serviceVersion": "v1",
        },
        "id": message_id or uuid.uuid4().hex,
        "userId": "LV" + user.replace("-", ""),
        "issue": "EP181",
        "protocolVersion": "4.0",
    }


class Caller:
    """latvija.gov.lv as a test sees it: zeep over the committed WSDL, keeping raw answers."""

    def __init__(self, stand: Stand) -> None:
        self.history = zeep.plugins.HistoryPlugin()
        self.client = zeep.Client(str(WSDL), plugins=[self.history],
                                  settings=zeep.Settings(strict=True, forbid_dtd=True,
                                                         forbid_entities=True,
                                                         forbid_external=True))
        self.service = self.client.create_service(BINDING, stand.url)

    def call(self, operation: str, user: str, *, _client: str = PORTAL, **body: Any) -> Any:
        """Call ``operation`` as ``user`` through the X-Road client ``_client``; the answer's
        body (its headers: ``last_headers``)."""
        headers = xroad_headers(user, service_code=operation, client=_client)
        answer = getattr(self.service, operation)(_soapheaders=headers, **body)
        self.last_headers = answer.header
        return answer.body

    @property
    def last_response(self) -> etree._Element:
        envelope = self.history.last_received["envelope"]
        assert isinstance(envelope, etree._Element)
        return envelope


@pytest.fixture(scope="session")
def caller(stand: Stand, _stands: _Stands) -> Caller:
    return _stands.caller(_kind_of(stand, _stands))


def post(stand: Stand, body: bytes, content_type: str = "text/xml; charset=utf-8"
         ) -> requests.Response:
    """A raw POST, for what zeep would never send."""
    return requests.post(stand.url, data=body, headers={"Content-Type": content_type},
                         timeout=10)


