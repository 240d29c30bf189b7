"""The README's "Calling us from zeep" code, run as written against a running stand."""

from __future__ import annotations

import re
from typing import Any

from gateway.errors import NoMandate
from tests.stand import REPO, Stand


def readme_snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Calling us from zeep", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the zeep section has no python block"
    return found.group(1)


def test_the_zeep_snippet_runs_and_shows_answer_and_fault(stand: Stand) -> None:
    code = readme_snippet()
    assert '"wsdl/vpis.wsdl"' in code and '"http://127.0.0.1:8080/"' in code
    code = code.replace('"wsdl/vpis.wsdl"', repr(str(REPO / "wsdl" / "vpis.wsdl")))
    code = code.replace('"http://127.0.0.1:8080/"', repr(stand.url))
    names: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), names)  # noqa: S102  # our own README's code
    assert len(names["results"].result) >= 3
    echoed, headers = names["echoed"], names["headers"]
    assert echoed.userId == headers["userId"] and echoed.id == headers["id"]
    assert echoed.service.serviceCode == "getExamResults"
    assert names["code"] == "soapenv:Client.NoMandate"
    assert names["lv"] == NoMandate.message_lv
    assert names["en"] == NoMandate.message_en
