"""One access log on every route (RULES §13): ``getAccessLog``, the operator's ``gateway audit``
and the portal's "Who looked at my data" page list the same accesses for the same person —
including those where the person was one of many subjects (a school's list on the portal, a VIIS
report) — and name a refused representative from the population register's answer. The portal
page shows the signed-in student's own log only, in Latvian and English, and is itself audited.
On SQLite and PostgreSQL: the gateway (SOAP and portal in one app, as ``gateway serve`` runs
them), the register simulator and the e-journal simulator on 127.0.0.1, the CLI as a process."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from gateway.demo import DEMO_REGISTRY
from gateway.serve import combined_app
from gateway.settings import load_settings
from gateway.simulators.ejournal.accounts import Account
from gateway.simulators.ejournal.provider import Client, ProviderState
from gateway.simulators.ejournal.server import start_provider
from gateway.simulators.register import start_simulator
from gateway.simulators.register_fixture import load_fixture
from gateway.store.models import AuditRecord
from tests.databases import DEMO, prepare
from tests.demo_keys import demo_runtime
from tests.portal.conftest import CLIENT_SECRET, NOW, PortalStand, portal_settings, sign_in
from tests.portal.countries import write_countries
from tests.soap.conftest import Caller
from tests.soap.helpers import expect_fault
from tests.stand import REPO, listening_socket

PORTAL = "LV/GOV/90000026101/LVPORTAALS"
VIIS = "LV/GOV/90000022399/VIIS"
CESVAINE = "4413900133"
EMILS = "051107-22850"  # adult (19), a 2026 graduate of Cesvaines vidusskola
ARTURS = "250977-12806"  # his father: a parent of an adult, refused, named by the register
ALEKSEJS = "300870-15376"  # a stranger to everyone
CESVAINE_ADMIN = "120378-14517"
VIIS_CLERK = "091282-16179"  # whoever VIIS names as its user


@dataclass(frozen=True)
class Gateway:
    """SOAP at ``root``, the portal at ``root/portal/``, one database."""

    root: str
    portal: PortalStand
    database_url: str
    data_dir: Path

    @property
    def url(self) -> str:  # what tests.soap.conftest.Caller asks of a stand
        return self.root


@contextmanager
def serving_gateway(tmp_path: Path, database_url: str, *,
                    allowed: dict[str, list[str]] | None = None,
                    kinds: dict[str, str] | None = None,
                    **portal_extra: object) -> Iterator[Gateway]:
    """The demo data, the population register simulator, the e-journal simulator, and the
    gateway's SOAP and portal application on one loopback port; ``allowed`` and ``kinds``
    add X-Road clients, ``portal_extra`` portal settings."""
    from gateway.simulators.ejournal.accounts import demo_accounts

    listener = listening_socket()
    port = listener.getsockname()[1]
    root = f"http://127.0.0.1:{port}/"
    clients = {"vpis-portal": Client("vpis-portal", CLIENT_SECRET, f"{root}portal/")}
    member = load_settings(data_dir=tmp_path).registry_service
    with start_simulator(load_fixture(DEMO_REGISTRY), member) as register, \
            start_provider(ProviderState(demo_accounts(), clients)) as provider:
        portal = portal_settings(f"{root}portal/", provider.url, write_countries(tmp_path),
                                 **portal_extra)
        settings = load_settings(
            data_dir=tmp_path, database_url=database_url, portal=portal,
            registry_url=register.url,
            allowed_clients={"getExamResults": [PORTAL], "getAccessLog": [PORTAL],
                             "getInstitutionResults": [VIIS], **(allowed or {})},
            client_kinds={VIIS: "viis", **(kinds or {})})
        prepare(database_url, DEMO)  # a copy of the demo database built once per process
        runtime = replace(demo_runtime(settings), clock=lambda: NOW)
        with listener:
            server = make_server("127.0.0.1", port, combined_app(runtime), threaded=True,
                                 fd=listener.fileno())
        # a short poll: shutdown() waits for the loop to look (0.5 s by default, every test)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        try:
            yield Gateway(root, PortalStand(f"{root}portal/", provider, runtime, portal),
                          database_url, tmp_path)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            runtime.close()


@pytest.fixture
def gateway(tmp_path: Path, database_url: str) -> Iterator[Gateway]:
    with serving_gateway(tmp_path, database_url) as running:
        yield running


def login_of(code: str) -> str:
    from gateway.simulators.ejournal.accounts import demo_accounts

    digits = code.replace("-", "")
    found: list[Account] = [a for a in demo_accounts().values()
                            if a.personal_code.replace("-", "") == digits]
    assert len(found) == 1
    return found[0].login


Row = tuple[str, str, str, str | None, str]
"""(UTC second, service, by whom, name, outcome)"""


def by_soap(caller: Caller, person: str) -> list[Row]:
    day = NOW.date().isoformat()
    answer = caller.call("getAccessLog", person, personalCode=person, pageSize=100,
                         **{"from": day, "to": day})
    assert answer.nextPage is None
    return [(e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), e.service, e.accessor,
             e.accessorName, e.outcome) for e in answer.entries.entry]


_CLI_LINE = re.compile(
    r"(\S+ \S+)Z  (\S+)\s+(\S+)\s+\S*\s+by (\w+)(?: \((.+?)\))?\s+via (\S+)  id ")


def by_cli(gateway: Gateway, person: str) -> tuple[list[Row], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update(GATEWAY_DATA_DIR=str(gateway.data_dir), GATEWAY_DATABASE_URL=gateway.database_url,
               GATEWAY_CLIENT_KINDS=json.dumps({VIIS: "viis"}))
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "audit", "--person", person],
                          env=env, cwd=REPO, text=True, capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"accesses to the data of {person}: {len(lines) - 1}"
    rows = []
    for line in lines[1:]:
        match = _CLI_LINE.match(line)
        assert match, line
        at, service, outcome, who, name, _client = match.groups()
        rows.append((at, service, who, name, outcome))
    return rows, done.stdout


_PAGE_ROW = re.compile(
    r'<tr class="access">\s*<th scope="row"><time datetime="([^"]+)">.*?</time></th>\s*'
    r'<td class="service">([^<]*)</td>\s*<td class="client">[^<]*</td>\s*'
    r'<td class="by" data-accessor="(\w+)">[^<:]*(?:: <span class="name">([^<]*)</span>)?</td>'
    r'\s*<td class="outcome" data-outcome="(\w+)">', re.S)


def by_page(text: str) -> list[Row]:
    return [(datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), service,
             who, html.unescape(name) if name else None, outcome)
            for at, service, who, name, outcome in _PAGE_ROW.findall(text)]


def test_getaccesslog_gateway_audit_and_the_portal_list_the_same_accesses(
        gateway: Gateway) -> None:
    caller = Caller(gateway)  # type: ignore[arg-type]  # it needs the stand's url only
    portal = gateway.portal
    # Emīls's data: himself, his father (an adult's parent: refused), a stranger (refused),
    # his school's list on the portal and VIIS's report (he is one of many in both)
    caller.call("getExamResults", EMILS, personalCode=EMILS)
    expect_fault(lambda: caller.call("getExamResults", ARTURS, personalCode=EMILS), "NoMandate")
    expect_fault(lambda: caller.call("getExamResults", ALEKSEJS, personalCode=EMILS),
                 "NoMandate")
    school = sign_in(portal, "cesvaine.admin", lands="school")
    assert "Šteins, Emīls" in school.get(f"{portal.url}school", timeout=10).text
    report = caller.call("getInstitutionResults", VIIS_CLERK, _client=VIIS,
                         institutionCode=CESVAINE, educationType="secondary",
                         selectionDate="2026-07-20", pageSize=100)
    assert EMILS in {r.personalCode for r in report.results.result}
    student = sign_in(portal, login_of(EMILS))  # before any of the three looks

    soap = by_soap(caller, EMILS)
    cli, printed = by_cli(gateway, EMILS)
    page = student.get(f"{portal.url}access-log", timeout=10)
    assert page.status_code == 200
    shown = by_page(page.text)

    assert {(service, who, name, outcome) for _, service, who, name, outcome in soap} >= {
        ("getExamResults", "self", None, "allowed"),
        ("getExamResults", "representative", "Artūrs Šteins", "refused"),
        ("getExamResults", "other", None, "refused"),
        ("portal.school.list", "school", None, "allowed"),
        ("getInstitutionResults", "viis", None, "allowed"),
    }
    # the same accesses, in the same order; the CLI and the page also see getAccessLog's own
    assert cli[0][1:] == ("getAccessLog", "self", None, "allowed")
    assert cli[1:] == soap
    assert shown == cli
    # nobody's personal code but the person's own, on any of the three
    for other in (ARTURS, ALEKSEJS, CESVAINE_ADMIN, VIIS_CLERK):
        for text in (printed, page.text):
            assert other not in text and other.replace("-", "") not in text


def test_the_page_is_the_signed_in_students_own_log_audited_lv_and_en(
        gateway: Gateway) -> None:
    portal = gateway.portal
    caller = Caller(gateway)  # type: ignore[arg-type]
    expect_fault(lambda: caller.call("getExamResults", ARTURS, personalCode=EMILS), "NoMandate")
    assert requests.get(f"{portal.url}access-log", allow_redirects=False,
                        timeout=10).headers["Location"].endswith("/portal/")
    browser = sign_in(portal, login_of(EMILS))
    results = browser.get(f"{portal.url}results", timeout=10)
    assert 'href="/portal/access-log"' in results.text  # linked from the results page
    page = browser.get(f"{portal.url}access-log", params={"personalCode": ARTURS}, timeout=10)
    assert "Kas skatījās manus datus" in page.text
    assert "Likumiskais pārstāvis" in page.text and "Artūrs Šteins" in page.text
    assert ARTURS not in page.text and ARTURS.replace("-", "") not in page.text
    with portal.engine.connect() as conn:
        records = list(conn.execute(select(AuditRecord).where(
            AuditRecord.service == "portal.access_log")))
    assert [(r.requester_code, r.subject_code, r.outcome, r.reason) for r in records] == [
        (EMILS.replace("-", ""),) * 2 + ("allowed", "self")]
    # a garbled page token is the first page, never an error
    again = browser.get(f"{portal.url}access-log", params={"page": "<script>"}, timeout=10)
    assert again.status_code == 200 and "<script>" not in again.text
    browser.get(f"{portal.url}lang/en", timeout=10)
    english = browser.get(f"{portal.url}access-log", timeout=10)
    assert "Who looked at my data" in english.text and "Legal representative" in english.text
