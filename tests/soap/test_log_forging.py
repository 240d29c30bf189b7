"""A SOAP caller cannot forge a line of the gateway's log (CWE-117, issue 23): line breaks in
the X-Road message id and client reach the running gateway's log escaped, inside their record."""

from __future__ import annotations

import time

import pytest

from tests.soap.conftest import post
from tests.soap.envelopes import CLIENT, SERVICE, USER, VERSION, envelope
from tests.stand import Stand

FORGED = "2026-12-05 08:00:00,000 INFO gateway.soap.app: call forged getExamResults allowed"


@pytest.mark.parametrize("breaker", ["&#10;", "&#13;&#10;", "\u2028", "&#x85;"])
def test_a_message_id_cannot_forge_a_log_line(stand: Stand, breaker: str) -> None:
    marker = f"forge-{time.monotonic_ns()}"
    headers = (CLIENT.replace("LVPORTAALS", f"LVPORTAALS{breaker}{FORGED}") + SERVICE
               + f"<xrd:id>{marker}{breaker}{FORGED}</xrd:id>" + USER + VERSION)
    post(stand, envelope(headers))
    log = stand.data_dir / "processes.log"
    deadline = time.monotonic() + 10
    while marker not in log.read_text(encoding="utf-8", errors="replace"):
        assert time.monotonic() < deadline, "the call was not logged"
        time.sleep(0.1)
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert any(marker in line for line in lines)
    assert not any(line.startswith(FORGED) for line in lines)
