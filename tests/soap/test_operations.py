"""The operator's view: /metrics moves with the calls; JSON log lines carry the X-Road message
id and never a personal code."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.soap import people as P
from tests.soap.conftest import Caller, xroad_headers
from tests.soap.helpers import expect_fault
from tests.stand import Stand, free_port, gateway_process


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 if absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? ([0-9.e+-]+)", line)
        if match and ",".join(sorted((match.group(1) or "").split(","))).strip(",") == wanted:
            return float(match.group(2))
    return 0.0


def scrape(stand: Stand) -> str:
    answer = requests.get(stand.url + "metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    return answer.text


def test_metrics_count_calls_by_service_and_outcome(caller: Caller, stand: Stand) -> None:
    before = scrape(stand)
    caller.call("getExamResults", P.JANIS, personalCode=P.JANIS)
    caller.call("getExamResults", P.PETERIS, personalCode=P.ANNA)
    expect_fault(lambda: caller.call("getExamResults", P.PETERIS, personalCode=P.JANIS),
                 "NoMandate")
    caller.call("listDocuments", P.JANIS, personalCode=P.JANIS)
    after = scrape(stand)

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("vpis_requests_total", service="getExamResults", outcome="allowed") == 2
    assert moved("vpis_requests_total", service="getExamResults", outcome="refused") == 1
    assert moved("vpis_requests_total", service="listDocuments", outcome="allowed") == 1
    assert moved("vpis_request_seconds_count", service="getExamResults") == 3
    assert moved("vpis_audit_write_seconds_count") == 4
    lookups = (moved("vpis_registry_cache_total", result="hit")
               + moved("vpis_registry_cache_total", result="miss"))
    # Anna's and Jānis's mandates; Jānis's age for EP226 needs no lookup: his old-format
    # code shows an adult (RULES §2).
    assert lookups == 2
    assert sample(after, "vpis_registry_calls_total", result="found") >= 1
    for code in (P.JANIS, P.PETERIS, P.ANNA):  # no personal code in the metrics
        assert code not in after and code.replace("-", "") not in after


@pytest.fixture(scope="module")
def json_gateway(stand: Stand) -> Iterator[tuple[Caller, Stand]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    data_dir = stand.data_dir
    env = dict(stand.env, GATEWAY_PUBLIC_URL=url, GATEWAY_LOG_FORMAT="json")
    log = data_dir / "processes.log"
    log.write_bytes(b"")
    with gateway_process(env, port, data_dir):
        yield (Caller(Stand(url=url, registry_url=stand.registry_url, data_dir=data_dir,
                            database_url=stand.database_url, env=env)), stand)


def test_json_logs_carry_the_message_id_and_no_personal_code(
    json_gateway: tuple[Caller, Stand],
) -> None:
    caller, stand = json_gateway
    message_id = f"log-{uuid.uuid4().hex}"
    caller.service.getExamResults(personalCode=P.ANNA,
                                  _soapheaders=xroad_headers(P.PETERIS, message_id=message_id))
    text = (stand.data_dir / "processes.log").read_text()
    lines = [json.loads(x) for x in text.splitlines() if x.startswith("{")]
    calls = [x for x in lines if x.get("message_id") == message_id]
    assert len(calls) == 1
    assert calls[0]["outcome"] == "allowed" and calls[0]["service"] == "getExamResults"
    assert calls[0]["audit_id"] and calls[0]["level"] == "INFO"
    for code in (P.ANNA, P.PETERIS):
        assert code not in text and code.replace("-", "") not in text
