"""The register simulator: what it accepts, what it refuses, how it is started."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import etree

from gateway.errors import ConfigurationError
from gateway.ns import SOAP11_ENV, WSDL_SOAP
from gateway.registry import contract
from gateway.registry.client import RegistryClient
from gateway.registry.mandate_service import check_mandate
from gateway.settings import load_settings
from gateway.simulators.register import check_loopback
from gateway.simulators.register_fixture import FixtureError, load_fixture
from gateway.simulators.register_server import RunningSimulator
from tests.registry import people as p
from tests.registry.conftest import DATA, FAMILY, NOW
from tests.stand import REPO

REQUESTS = DATA / "requests"

REQUEST_CASES = [
    # (file, expected faultcode or None for an answer)
    ("valid.xml", None),
    ("valid-with-issue-and-member-client.xml", None),
    ("missing-userid.xml", "Client.MissingXRoadHeader"),
    ("missing-client.xml", "Client.MissingXRoadHeader"),
    ("no-header.xml", "Client.InvalidSoap"),
    ("protocol-3.1.xml", "Client.InvalidProtocolVersion"),
    ("client-objecttype-service.xml", "Client.InvalidXRoadHeader"),
    ("client-objecttype-bogus.xml", "Client.InvalidXRoadHeader"),
    ("service-objecttype-member.xml", "Client.InvalidXRoadHeader"),
    ("service-code-mismatch.xml", "Client.InvalidXRoadHeader"),
    ("duplicate-id.xml", "Client.InvalidXRoadHeader"),
    ("empty-id.xml", "Client.InvalidXRoadHeader"),
    ("service-other-provider.xml", "Server.UnknownService"),
    ("service-version-v2.xml", "Server.UnknownService"),
    ("userid-foreign.xml", "Client.InvalidUserId"),
    ("body-bad-code.xml", "Client.InvalidRequest"),
    ("doctype-entities.xml", "Client.InvalidXml"),
    ("not-xml.xml", "Client.InvalidXml"),
]


@pytest.mark.parametrize(("name", "faultcode"), REQUEST_CASES)
def test_requests(simulator: RunningSimulator, name: str, faultcode: str | None) -> None:
    response = requests.post(
        simulator.url,
        data=(REQUESTS / name).read_bytes(),
        timeout=5,
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    root = etree.fromstring(response.content)
    if faultcode is None:
        assert response.status_code == 200
        answer = root.find(f"{{{SOAP11_ENV}}}Body/{contract.RESPONSE.text}")
        assert answer is not None
        assert contract.body_schema().validate(answer)
        return
    assert response.status_code == 500
    assert root.findtext(f"{{{SOAP11_ENV}}}Body/{{{SOAP11_ENV}}}Fault/faultcode") == (
        f"SOAP-ENV:{faultcode}"
    )
    assert simulator.app.counters()["answers"] == 0


def test_response_echoes_the_request_headers(simulator: RunningSimulator) -> None:
    sent = (REQUESTS / "valid-with-issue-and-member-client.xml").read_bytes()
    response = requests.post(simulator.url, data=sent, timeout=5)

    def header_xml(message: bytes) -> dict[str, bytes]:
        header = etree.fromstring(message).find(f"{{{SOAP11_ENV}}}Header")
        assert header is not None
        return {etree.QName(e).localname: etree.tostring(e, method="c14n") for e in header}

    got, asked = header_xml(response.content), header_xml(sent)
    assert {k: v for k, v in got.items() if k != "requestHash"} == asked
    assert "requestHash" in got


def test_requests_without_a_length_are_refused(simulator: RunningSimulator) -> None:
    def chunks() -> Iterator[bytes]:
        yield (REQUESTS / "valid.xml").read_bytes()

    response = requests.post(simulator.url, data=chunks(), timeout=5)  # chunked: no length
    assert response.status_code == 500


def test_wsdl_is_served_with_its_own_address(simulator: RunningSimulator) -> None:
    response = requests.get(simulator.url + "?wsdl", timeout=5)
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    assert [a.get("location") for a in wsdl.iter(f"{{{WSDL_SOAP}}}address")] == [simulator.url]
    for path in contract.CONTRACT_FILES[1:]:
        served = requests.get(simulator.url + "schemas/" + path.name, timeout=5)
        assert served.content == path.read_bytes()
    assert requests.get(simulator.url + "schemas/../settings.py", timeout=5).status_code == 404
    assert requests.delete(simulator.url, timeout=5).status_code == 405


def test_counters_endpoint(registry: RegistryClient, simulator: RunningSimulator) -> None:
    registry.lookup(p.ANNA, user_id=p.MOTHER)
    counters = requests.get(simulator.url + "_counters", timeout=5).json()
    assert counters == {
        "calls": 1,
        "answers": 1,
        "faults": 0,
        "by_subject": {p.ANNA.digits: 1},
    }
    simulator.app.reset_counters()
    assert simulator.app.counters()["calls"] == 0


BAD_FIXTURES = [
    # (file, record, field) the error must name
    ("bad-check-digit.json", "persons[0]", "personal_code"),
    ("impossible-birth-date.json", "persons[0]", "birth_date"),
    ("person-twice.json", "persons[1]", "personal_code"),
    ("misspelt-key.json", "persons[0]", "declared_of_aeg"),
    ("birth-date-missing.json", "persons[0]", "birth_date"),
    ("unknown-kind.json", "relations[0]", "kind"),
    ("subject-not-a-person.json", "relations[0]", "subject"),
    ("ends-before-it-starts.json", "relations[0]", "valid_to"),
    ("custody-as-text.json", "relations[0]", "custody"),
    ("represents-themselves.json", "relations[0]", None),
    ("name-missing.json", "relations[0]", "family_name"),
    ("name-with-control-character.json", "relations[0]", "given_name"),
    ("truncated.json", str(DATA / "bad-fixtures" / "truncated.json"), None),
]


@pytest.mark.parametrize(("name", "record", "field"), BAD_FIXTURES)
def test_bad_fixtures_are_refused(name: str, record: str, field: str | None) -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixture(DATA / "bad-fixtures" / name)
    assert (caught.value.record, caught.value.field) == (record, field)
    assert isinstance(caught.value, ConfigurationError)  # the CLI exits with 2


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])  # noqa: S104
def test_simulator_binds_loopback_only(host: str) -> None:
    with pytest.raises(ConfigurationError):
        check_loopback(host)


def test_cli_serves_until_interrupted(tmp_path: Path) -> None:
    """``python -m gateway.cli registry-sim`` as a real process, asked by the real client."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway.cli",
            "registry-sim",
            "--port",
            "0",
            "--fixture",
            str(FAMILY),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)  # bounded wait
        assert ready, "the simulator did not start"
        line = process.stdout.readline()  # "register simulator serving on http://…/"
        assert "serving on http://127.0.0.1:" in line, (
            process.stderr.read() if process.stderr else ""
        )
        url = line.rsplit(" ", 1)[1].strip()
        settings = load_settings(registry_url=url)  # the same config the process read
        client = RegistryClient(settings)
        assert check_mandate(client, p.MOTHER, p.ANNA, NOW).allowed
        assert not check_mandate(client, p.FATHER, p.ANNA, NOW).allowed
        assert json.loads(requests.get(url + "_counters", timeout=5).text)["answers"] == 1
        client.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        log = process.stderr.read() if process.stderr else ""
        assert "register simulator" in log
        for person in (p.MOTHER, p.ANNA, p.FATHER):  # RULES §7: no personal codes in the log
            assert person.digits not in log and person.display not in log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_right_after_the_ready_line_stops_it_cleanly(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """The race behind a once-flaky ``test_cli_serves_until_interrupted``: a signal sent the
    moment the "serving on" line is read must stop the process cleanly, every time."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "registry-sim", "--port", "0"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert process.stdout is not None and process.stderr is not None
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready and "serving on" in process.stdout.readline()
            process.send_signal(sig)
            assert process.wait(timeout=10) == 0
            assert "Traceback" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
