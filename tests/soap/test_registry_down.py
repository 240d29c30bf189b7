"""When the register is down, requests about others fail closed; one's own still work (RULES §3).

A second gateway process on the same database points at a port where no register listens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.soap import people as P
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault, messages
from tests.stand import Stand, free_port, gateway_process


@pytest.fixture(scope="module")
def orphan(stand: Stand) -> Iterator[Caller]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = dict(stand.env, GATEWAY_REGISTRY_URL=f"http://127.0.0.1:{free_port()}/",
               GATEWAY_PUBLIC_URL=url, GATEWAY_REGISTRY_CONNECT_TIMEOUT="1",
               GATEWAY_REGISTRY_READ_TIMEOUT="1")
    with gateway_process(env, port, stand.data_dir):
        yield Caller(Stand(url=url, registry_url="", data_dir=stand.data_dir,
                           database_url=stand.database_url, env=env))


def test_a_request_about_another_person_is_refused_try_again_later(orphan: Caller) -> None:
    started = time.monotonic()
    fault = expect_fault(lambda: orphan.call("getExamResults", P.PETERIS, personalCode=P.ANNA),
                         "RegistryUnavailable", side="Server")
    assert time.monotonic() - started < 5
    assert "vēlāk" in messages(fault)["lv"] and "later" in messages(fault)["en"]


@pytest.mark.parametrize("person", [P.JANIS, P.SOFIJA])
def test_ones_own_results_need_no_register(orphan: Caller, person: str) -> None:
    assert orphan.call("getExamResults", person, personalCode=person).personalCode == person
