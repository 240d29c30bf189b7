"""Register call benchmark: client CPU per population-register call, zeep path against lean path.

Usage: ``python -m bench.register_bench [--calls 2000] [--seconds 60]``. Starts
``gateway registry-sim`` with the test family fixture on 127.0.0.1 (a separate process, so its
CPU is not counted) and asks it about the fixture's persons (found and not found) through two
clients in alternating rounds of 100 calls:

* **zeep** — the path the gateway had before issue 13: zeep 4 over the committed WSDL, a
  requests session (no environment, no redirects, identity encoding), an ingress plugin
  validating the X-Road headers and the body against the schemas, then the record read from
  zeep's objects. Rebuilt here, since the gateway no longer has it;
* **lean** — :class:`gateway.registry.client.RegistryClient` as the gateway runs it (cache off):
  a prepared request template, one urllib3 POST, the hardened parse, the same schema checks,
  the record read with lxml.

It prints, per path, the process CPU (user + system) and the wall time per call, the ratio, and
the load average at the start and the end (the machine may be shared). Bounded by ``--calls``
per path and ``--seconds`` in all. Not a test; prints only.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from bench.results_day import REPO, server
from gateway.domain.mandate import RegisterRecord, RelationKind, Representative
from gateway.domain.personal_code import PersonalCode, parse_personal_code
from gateway.ns import SOAP11_ENV, XROAD
from gateway.registry import contract
from gateway.registry.client import RegistryClient
from gateway.registry.registers import PMLP_REGISTER
from gateway.settings import Settings, XRoadMember, load_settings
from gateway.simulators.register_fixture import load_fixture
from gateway.xmlsafe import schema_errors

FIXTURE = REPO / "tests/registry/data/family.json"
US = XRoadMember(instance="LV", member_class="GOV", member_code="90000022399",
                 subsystem_code="VPIS")
REGISTER = XRoadMember(instance="LV", member_class="GOV", member_code="90000002651",
                       subsystem_code="PMLP")
USER = parse_personal_code("120475-12344")
ROUND = 100


class _SchemaCheck:
    """The zeep ingress plugin the gateway had: headers and body validated before zeep reads."""

    def ingress(self, envelope: etree._Element, http_headers: Any, operation: Any) -> Any:
        body = envelope.find(f"{{{SOAP11_ENV}}}Body")
        payload = [] if body is None else [c for c in body if isinstance(c.tag, str)]
        if len(payload) != 1 or schema_errors(PMLP_REGISTER.body_schema(), payload[0]):
            raise ValueError("the answer does not match the schema")
        header = envelope.find(f"{{{SOAP11_ENV}}}Header")
        for element in [] if header is None else header:
            if etree.QName(element).namespace == XROAD and schema_errors(
                    contract.header_schema(), element):
                raise ValueError("an X-Road header does not match the schema")
        return envelope, http_headers

    def egress(self, envelope: Any, http_headers: Any, operation: Any, options: Any) -> Any:
        return envelope, http_headers


class ZeepPath:
    """The old client, rebuilt: zeep + requests + the schema plugin + reading zeep's objects."""

    def __init__(self, settings: Settings) -> None:
        session = requests.Session()
        session.trust_env = False
        session.headers["Accept-Encoding"] = "identity"
        transport = Transport(timeout=settings.registry_read_timeout, session=session)
        client = zeep.Client(str(PMLP_REGISTER.wsdl), transport=transport, plugins=[_SchemaCheck()],
                             settings=zeep.Settings(strict=True, forbid_dtd=True,
                                                    forbid_entities=True, forbid_external=True))
        self.service = client.create_service(PMLP_REGISTER.binding, settings.registry_url)
        member = {"xRoadInstance": US.instance, "memberClass": US.member_class,
                  "memberCode": US.member_code, "subsystemCode": US.subsystem_code}
        self.client_header = dict(member, objectType="SUBSYSTEM")
        self.service_header = {"objectType": "SERVICE", "xRoadInstance": REGISTER.instance,
                               "memberClass": REGISTER.member_class,
                               "memberCode": REGISTER.member_code,
                               "subsystemCode": REGISTER.subsystem_code,
                               "serviceCode": PMLP_REGISTER.service_code,
                               "serviceVersion": PMLP_REGISTER.service_version}

    def lookup(self, subject: PersonalCode, *, user_id: PersonalCode) -> RegisterRecord | None:
        message_id, user = uuid.uuid4().hex, "LV" + user_id.digits
        answer = self.service.getPersonRepresentation(
            personalCode=subject.digits,
            _soapheaders={"client": self.client_header, "service": self.service_header,
                          "id": message_id, "userId": user, "protocolVersion": "4.0"})
        if answer.header.id != message_id or answer.header.userId != user:
            raise ValueError("not the request's id and userId")
        body = answer.body
        if not body.found:
            return None
        person = body.person
        reps = person.representatives.representative if person.representatives else []
        return RegisterRecord(subject.digits, person.birthDate, person.declaredOfAge, tuple(
            Representative(parse_personal_code(r.personalCode).digits, RelationKind(r.kind),
                           r.custody, r.validFrom, r.validTo, given_name=r.givenName,
                           family_name=r.familyName) for r in reps or []))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="calls per path (at most)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time bound of the run")
    args = parser.parse_args()
    subjects = [parse_personal_code(code) for code in load_fixture(FIXTURE).records]
    subjects.append(parse_personal_code("050590-15155"))  # not in the register
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    with tempfile.TemporaryDirectory(prefix="vpis-register-bench-") as tmp:
        env["GATEWAY_DATA_DIR"] = tmp
        log = Path(tmp) / "registry-sim.log"
        with server(["gateway.cli", "registry-sim", "--port", str(port), "--fixture",
                     str(FIXTURE)], env, url + "?wsdl", log):
            settings = load_settings(registry_url=url, registry_cache_ttl=0.0, xroad_self=US,
                                     registry_service=REGISTER)
            lean, old = RegistryClient(settings), ZeepPath(settings)
            paths: dict[str, Callable[[PersonalCode], object]] = {
                "zeep": lambda s: old.lookup(s, user_id=USER),
                "lean": lambda s: lean.lookup(s, user_id=USER),
            }
            for call in paths.values():  # warm up; and both must read the same records
                assert [call(s) for s in subjects] == [lean.lookup(s, user_id=USER)
                                                       for s in subjects]
            run(paths, subjects, args.calls, args.seconds)
            lean.close()


def run(paths: dict[str, Callable[[PersonalCode], object]], subjects: list[PersonalCode],
        calls: int, seconds: float) -> None:
    """Alternate rounds of the paths until ``calls`` each or ``seconds``; print the figures."""
    cpu = dict.fromkeys(paths, 0.0)
    wall = dict.fromkeys(paths, 0.0)
    done = dict.fromkeys(paths, 0)
    load_before = os.getloadavg()
    stop = time.monotonic() + seconds
    n = 0
    while min(done.values()) < calls and time.monotonic() < stop:
        for name, call in paths.items():
            started_cpu, started = _cpu(), time.perf_counter()
            for _ in range(ROUND):
                call(subjects[n % len(subjects)])
                n += 1
            cpu[name] += _cpu() - started_cpu
            wall[name] += time.perf_counter() - started
            done[name] += ROUND
    load_after = os.getloadavg()
    print(f"register calls against gateway registry-sim on 127.0.0.1, {len(subjects)} subjects, "
          f"python {sys.version.split()[0]}, zeep {zeep.__version__}")
    per_call = {name: cpu[name] * 1000 / done[name] for name in paths}
    for name in paths:
        print(f"{name:>5}: {done[name]} calls, {per_call[name]:.3f} ms CPU/call, "
              f"{wall[name] * 1000 / done[name]:.3f} ms wall/call")
    print(f"zeep/lean CPU per call: {per_call['zeep'] / per_call['lean']:.2f}x "
          f"(saved {per_call['zeep'] - per_call['lean']:.3f} ms per cache miss)")
    print("load average 1/5/15 min: before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}"
          .format(*load_before, *load_after))


if __name__ == "__main__":
    main()
