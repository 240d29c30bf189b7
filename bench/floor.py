"""The floor: the least a results-day answer can cost, served the way the gateway is served.

Parses the same request with lxml, runs the same queries on the same database, builds the same
answer and signs it with the same key and algorithm, under the same gunicorn setup, and does
nothing else: no schema or header checks, no spyne, no register, no audit record. The
benchmark's ratio gateway/floor of CPU per request is the gateway's own overhead.

Run: ``python -m bench.floor --port 8090`` (settings as for ``gateway serve``).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from gateway.serve import serve
from gateway.settings import Settings, load_settings


def floor_app(settings: Settings) -> Any:
    # Imported in the worker, as the gateway's own modules are (metrics' multiprocess set-up).
    from lxml import etree

    from gateway.domain.mandate import Reason
    from gateway.domain.personal_code import PersonalCode
    from gateway.services.documents import DocumentList
    from gateway.services.results import ExamResults
    from gateway.signing.keys import load_signer_key
    from gateway.signing.xmldsig import sign_enveloped
    from gateway.soap import envelope as answer_envelope
    from gateway.soap.adapters import documents as ep226_answers
    from gateway.soap.adapters import results as ep181_answers
    from gateway.store import documents, queries
    from gateway.store.db import create_engine_for
    from gateway.xmlsafe import hardened_parser

    engine = create_engine_for(settings)
    signer = load_signer_key(settings.signing, settings.data_dir)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        root = etree.fromstring(data, parser=hardened_parser())
        header, body = root[0], root[1]
        request = body[0]
        digits = (request[0].text or "").replace("-", "")
        subject = PersonalCode(digits)
        now = datetime.now(UTC)
        with engine.connect() as conn:
            if etree.QName(request).localname == "listDocuments":
                rows = documents.visible_documents(conn, digits, now)
                payload = ep226_answers.documents(DocumentList(subject, rows, Reason.SELF))
            else:
                results = queries.passed_results(conn, digits, now)
                payload = ep181_answers.exam_results(ExamResults(subject, results, Reason.SELF))
        envelope = answer_envelope.answer(list(header), payload)
        sign_enveloped(payload, signer, id_value=f"vpis-{uuid4().hex}")
        out = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8"),
                                  ("Content-Length", str(len(out)))])
        return [out]

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    settings = load_settings()
    serve(settings, host="127.0.0.1", port=args.port, workers=args.workers, factory=floor_app)


if __name__ == "__main__":
    main()
