"""End-to-end fixtures: a running stand per database, zeep reading the committed WSDL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
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


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql",
                                                                  marks=pytest.mark.postgres)])
def stand(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Stand]:
    data_dir = tmp_path_factory.mktemp(f"stand-{request.param}")
    if request.param == "sqlite":
        with running_stand(data_dir, f"sqlite:///{data_dir / 'gateway.db'}") as running:
            yield running
        return
    with fresh_pg_schema("gw_e2e") as url, running_stand(data_dir, url) as running:
        yield running


@pytest.fixture(scope="session")
def stand_engine(stand: Stand) -> Iterator[Engine]:
    engine = create_engine_from_url(stand.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


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
def caller(stand: Stand) -> Caller:
    return Caller(stand)


def post(stand: Stand, body: bytes, content_type: str = "text/xml; charset=utf-8"
         ) -> requests.Response:
    """A raw POST, for what zeep would never send."""
    return requests.post(stand.url, data=body, headers={"Content-Type": content_type},
                         timeout=10)


