"""Small helpers the end-to-end tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import zeep.exceptions
from lxml import etree

from gateway.ns import VPIS

LEAKS = ("Traceback", "File \"", "sqlalchemy", "SELECT", "/work/", "/tmp/", ".py", "psycopg",
         "sqlite3", "Exception")


def fault_code(fault: zeep.exceptions.Fault) -> str:
    """The stable code in a fault's ``vpis:faultDetail``."""
    assert fault.detail is not None
    code = fault.detail.findtext(f"{{{VPIS}}}faultDetail/{{{VPIS}}}code")
    assert code is not None
    return code


def messages(fault: zeep.exceptions.Fault) -> dict[str, str]:
    assert fault.detail is not None
    found = fault.detail.findall(f"{{{VPIS}}}faultDetail/{{{VPIS}}}message")
    return {m.get("lang", ""): m.text or "" for m in found}


def expect_fault(call: Callable[[], Any], code: str, side: str = "Client"
                 ) -> zeep.exceptions.Fault:
    """Run ``call``; it must fail with the SOAP fault ``side.code`` and citizen messages."""
    with pytest.raises(zeep.exceptions.Fault) as caught:
        call()
    fault = caught.value
    assert fault_code(fault) == code
    assert str(fault.code).endswith(f"{side}.{code}")
    texts = messages(fault)
    assert set(texts) == {"lv", "en"}
    assert all(texts.values())
    return fault


def assert_no_leak(body: bytes | str) -> None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    for word in LEAKS:
        assert word not in text, word


def payload(envelope: etree._Element) -> etree._Element:
    body = envelope.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    assert body is not None and len(body) == 1
    return body[0]
