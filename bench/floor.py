"""The floors: the least a results-day answer can cost, served the way the gateway is served.

**The floor** parses the same request with lxml, runs the same queries on the same database,
builds the same answer and signs it with the same key and algorithm, under the same gunicorn
setup, and does nothing else: no schema or header checks, no spyne, no register, no audit
record.

**The rules floor** (``--rules``, issue 27) is the floor plus what RULES require of every
answer and nothing more: for a call about another person the register is asked through the
same lean client the gateway uses (:class:`~gateway.registry.client.RegistryClient`, its cache
and its fail-closed deadline, RULES §3) and the mandate decided by the same rule
(:func:`~gateway.domain.mandate.decide`); and one audit record per call — time, message id,
client, service, requester, subject, outcome, reason, documents — is inserted and committed
through the raw database driver before the answer leaves (RULES §7). A refusal is answered
with a bare 403, audited too. The benchmark's ratio gateway/rules floor of CPU per request is
the gateway's own overhead above what the rules cost.

Run: ``python -m bench.floor --port 8090 [--rules]`` (settings as for ``gateway serve``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import uuid4

from gateway.serve import serve
from gateway.settings import Settings, load_settings

AUDIT_COLUMNS = ("at", "message_id", "client", "service", "requester_code", "subject_code",
                 "outcome", "reason", "documents")


def raw_audit_writer(engine: Any) -> Callable[[dict[str, Any]], None]:
    """Insert and commit one audit record with the database driver itself (no SQLAlchemy
    statement, no ORM): the least RULES §7 costs. Values as the gateway stores them: UTC
    instants (naive text on SQLite), the documents as JSON."""
    sqlite = engine.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    marks = ", ".join([mark] * len(AUDIT_COLUMNS))
    sql = f"INSERT INTO audit_records ({', '.join(AUDIT_COLUMNS)}) VALUES ({marks})"  # noqa: S608
    if not sqlite:
        from psycopg.types.json import Jsonb

    def write(values: dict[str, Any]) -> None:
        at: datetime = values["at"]
        documents = values["documents"]
        if sqlite:
            at_value: Any = at.replace(tzinfo=None).isoformat(" ")
            docs: Any = None if documents is None else json.dumps(documents)
        else:
            at_value, docs = at, None if documents is None else Jsonb(documents)
        row = [values[c] for c in AUDIT_COLUMNS]
        row[0], row[-1] = at_value, docs
        conn = engine.raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute(sql, row)
            cursor.close()
            conn.commit()
        finally:
            conn.close()

    return write


def floor_app(settings: Settings, *, rules: bool = False) -> Any:
    # Imported in the worker, as the gateway's own modules are (metrics' multiprocess set-up).
    from lxml import etree

    from gateway import slots
    from gateway.domain.age import riga_date
    from gateway.domain.mandate import Reason, decide
    from gateway.domain.personal_code import PersonalCode
    from gateway.errors import RegistryUnavailable
    from gateway.ns import XROAD, XROAD_ID
    from gateway.registry.client import RegistryClient
    from gateway.services.documents import DocumentList
    from gateway.services.results import ExamResults
    from gateway.signing.keys import load_signer_key
    from gateway.signing.xmldsig import sign_enveloped
    from gateway.soap import envelope as answer_envelope
    from gateway.soap.adapters import documents as ep226_answers
    from gateway.soap.adapters import results as ep181_answers
    from gateway.store import documents, queries
    from gateway.store.db import create_engine_for, reading
    from gateway.xmlsafe import hardened_parser

    slots.configure(settings.cpu_slots)  # served as the gateway is: the same CPU slots
    engine = create_engine_for(settings)
    signer = load_signer_key(settings.signing, settings.data_dir)
    registry = RegistryClient(settings) if rules else None
    write_audit = raw_audit_writer(engine) if rules else None
    user_id, message_id = f"{{{XROAD}}}userId", f"{{{XROAD}}}id"
    client_tag, service_tag = f"{{{XROAD}}}client", f"{{{XROAD}}}service"
    service_code = f"{{{XROAD_ID}}}serviceCode"

    def audit(header: Any, requester: str, subject: str, outcome: str, reason: str,
              listed: list[str] | None, now: datetime) -> None:
        assert write_audit is not None
        client = header.find(client_tag)
        write_audit({
            "at": now, "message_id": header.findtext(message_id),
            "client": "/".join(e.text or "" for e in client) if client is not None else None,
            "service": header.find(service_tag).findtext(service_code),
            "requester_code": requester, "subject_code": subject, "outcome": outcome,
            "reason": reason, "documents": listed})

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with slots.held():
            return answer(environ, start_response)

    def answer(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        root = etree.fromstring(data, parser=hardened_parser())
        header, body = root[0], root[1]
        request = body[0]
        digits = (request[0].text or "").replace("-", "")
        subject = PersonalCode(digits)
        now = datetime.now(UTC)
        reason = Reason.SELF
        requester = digits
        if rules:
            assert registry is not None
            requester = (header.findtext(user_id) or "")[2:]
            if requester != digits:  # RULES §3: another person needs the register
                who = PersonalCode(requester)
                try:
                    record = registry.lookup(subject, user_id=who)
                except RegistryUnavailable:
                    record, unavailable = None, True
                else:
                    unavailable = False
                decision = decide(who, subject, record, riga_date(now))
                if unavailable or not decision.allowed:
                    audit(header, requester, digits, "refused", "RegistryUnavailable"
                          if unavailable else str(decision.reason), None, now)
                    start_response("403 Forbidden", [("Content-Length", "0")])
                    return [b""]
                reason = decision.reason
        listed: list[str] | None = None
        with reading(engine) as conn:  # the gateway's own way to read: no transaction
            if etree.QName(request).localname == "listDocuments":
                rows = documents.visible_documents(conn, digits, now)
                listed = [r.number for r in rows]
                payload = ep226_answers.documents(DocumentList(subject, rows, reason))
            else:
                results = queries.passed_results(conn, digits, now)
                payload = ep181_answers.exam_results(ExamResults(subject, results, reason))
        envelope = answer_envelope.answer(list(header), payload)
        sign_enveloped(payload, signer, id_value=f"vpis-{uuid4().hex}")
        out = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        if rules:  # RULES §7: committed before the answer leaves
            audit(header, requester, digits, "allowed", str(reason), listed or None, now)
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8"),
                                  ("Content-Length", str(len(out)))])
        return [out]

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rules", action="store_true",
                        help="the rules floor: audit record and register as RULES §3 and §7 ask")
    args = parser.parse_args()
    settings = load_settings()
    serve(settings, host="127.0.0.1", port=args.port, workers=args.workers,
          factory=partial(floor_app, rules=args.rules))


if __name__ == "__main__":
    main()
