"""Proof that the route matrix guards every route's filter: each mutation below changes one
filter of one route (or of the shared definition), the matrix runs on SQLite, and it must fail.

    .venv/bin/python -m tests.route_matrix_mutations [INDEX ...]

Each file is restored after its run. Not collected by pytest (a minute or two of CPU); run it
when a route or a visibility rule changes, and add the new filter's mutation here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (what, file, the text, its mutant): the text occurs exactly once in the file.
MUTATIONS: list[tuple[str, str, str, str]] = [
    ("services/student.py: download checks only 'is on the page' (the original bug)",
     'gateway/services/student.py',
     '    if not any(r.certificate_number == number and r.downloadable for r in rows):',
     '    if not any(r.certificate_number == number for r in rows):'),
    ('results.html: link offered whatever the status',
     'gateway/portal/templates/results.html',
     '{%- if r.downloadable %}<br>',
     '{%- if true %}<br>'),
    ('queries.py portal: join every certificate, not only the current one',
     'gateway/store/queries.py',
     'Result.passed.is_(True), seen.issued(), seen.current()),',
     'Result.passed.is_(True), seen.issued()),'),
    ('queries.py portal: status column = imported status',
     'gateway/store/queries.py',
     '        Document.number,\n        seen.status(),',
     '        Document.number,\n        Document.status,'),
    ('queries.py portal: no six months (published only)',
     'gateway/store/queries.py',
     '    sessions = seen.portal_sessions(conn, now)',
     '    sessions = [r[0] for r in conn.execute(select(ExamSession.code).where(seen.published()'
     '), seen.at(now))]'),
    ('visibility.portal_sessions: six months as 183 days',
     'gateway/store/visibility.py',
     '            if is_portal_visible(when, now)]',
     "            if now - when < __import__('datetime').timedelta(days=183)]"),
    ('queries.py EP181: no school-year cut-off',
     'gateway/store/queries.py',
     '        seen.ep181_years(),\n',
     ''),
    ('queries.py EP181: no publication',
     'gateway/store/queries.py',
     '        seen.ep181_years(),\n        seen.published(),\n',
     '        seen.ep181_years(),\n'),
    ('queries.py EP181: passed not required',
     'gateway/store/queries.py',
     '        Result.passed.is_(True),\n        seen.ep181_years(),',
     '        seen.ep181_years(),'),
    ('documents.py: no 2023 cut-off',
     'gateway/store/documents.py',
     '    seen.ep226_issues(),\n',
     ''),
    ('documents.py: cut-off one day early (>= 2022-12-31)',
     'gateway/store/documents.py',
     '    seen.ep226_issues(),\n',
     '    Document.issued_on >= date(2022, 12, 31),\n'),
    ('documents.py: no publication',
     'gateway/store/documents.py',
     '    Document.session_code.is_(None) | seen.published(),\n',
     ''),
    ('documents.py: certificates of failed exams too',
     'gateway/store/documents.py',
     '    seen.passed_certificate(),\n',
     ''),
    ('documents.py: superseded_by dropped (NULL)',
     'gateway/store/documents.py',
     '        Document.status,\n        seen.superseded_by(),',
     '        Document.status,\n        null(),'),
    ('services/documents.py: getDocument ignores the status',
     'gateway/services/documents.py',
     '    if not downloadable(row.status):\n'
     '        raise DocumentNotAvailable(row.status.value, accessor=mandate.accessor)'
     '\n    content',
     '    content'),
    ('school.py: no publication',
     'gateway/store/school.py',
     '    seen.published(),\n',
     ''),
    ('school.py: no institution',
     'gateway/store/school.py',
     '    seen.of_institution(),\n',
     ''),
    ('school.py: status = imported status',
     'gateway/store/school.py',
     'Document.issued_on, seen.status())',
     'Document.issued_on, Document.status)'),
    ('school.py: passed not required',
     'gateway/store/school.py',
     '    Result.passed.is_(True),\n    seen.published(),',
     '    seen.published(),'),
    ('services/school.py: one download ignores the status',
     'gateway/services/school.py',
     '    if found is None or not found.downloadable:',
     '    if found is None:'),
    ('services/school.py: ZIP holds every listed certificate',
     'gateway/services/school.py',
     '        return [c for c in self.certificates if c.downloadable]',
     '        return list(self.certificates)'),
    ('report.py: published by now dropped (selection date only)',
     'gateway/store/report.py',
     '        seen.in_report(),',
     '        ExamSession.published_at < seen.DAY_END,'),
    ('report.py: no institution',
     'gateway/store/report.py',
     '        seen.of_institution(),\n',
     ''),
    ('verification.py: no publication',
     'gateway/store/verification.py',
     '        seen.published(),\n',
     ''),
    ('verification.py: superseded_by dropped',
     'gateway/store/verification.py',
     '        Document.status,\n        seen.superseded_by(),',
     '        Document.status,\n        null(),'),
    ('verification.py: passed not required',
     'gateway/store/verification.py',
     '        Result.passed.is_(True),\n',
     ''),
    ("visibility.published: '<=' becomes '<' (the instant itself)",
     'gateway/store/visibility.py',
     '= session.published_at <= NOW',
     '= session.published_at < NOW'),
    ('visibility.ep181_years: from 2009/2010',
     'gateway/store/visibility.py',
     '= session.school_year >= EP181_FIRST_SCHOOL_YEAR',
     "= session.school_year >= '2009/2010'"),
    ('visibility.status: open appeals ignored',
     'gateway/store/visibility.py',
     '        (appeal_open(document), literal(CertificateStatus.UNDER_APPEAL.value)),\n',
     ''),
    ('visibility.downloadable/current: supersession ignored',
     'gateway/store/visibility.py',
     '    return ~exists().where(successor.supersedes == document.number)',
     '    return ~exists().where(successor.supersedes == document.number, false())'),
    ('visibility.issued: issue date ignored',
     'gateway/store/visibility.py',
     '= document.issued_on <= TODAY',
     '= document.issued_on <= date(2100, 1, 1)'),
]


def _mutant(text: str, old: str, new: str) -> str:
    mutated = new.join(text.split(old))
    if "null()" in new:
        mutated = mutated.replace("from sqlalchemy import ", "from sqlalchemy import null, ", 1)
    if "false())" in new:
        mutated = mutated.replace("from sqlalchemy import (",
                                  "from sqlalchemy import (\n    false,", 1)
    return mutated


def main(only: list[str]) -> int:
    """Run the chosen mutations (all by default); 1 if the matrix missed one."""
    missed = 0
    for index, (name, path, old, new) in enumerate(MUTATIONS):
        if only and str(index) not in only:
            continue
        file = ROOT / path
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, text.count(old))
        file.write_text(_mutant(text, old, new), encoding="utf-8")
        try:
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "tests/test_route_matrix.py", "-q", "-p",
                 "no:cacheprovider", "-m", "not postgres", "--tb=no"],
                cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), check=False)
        finally:
            file.write_text(text, encoding="utf-8")
        caught = run.returncode == 1
        missed += not caught
        summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-200:]
        sys.stdout.write(f"[{index}] {name}: {'caught' if caught else 'MISSED'} ({summary})\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
