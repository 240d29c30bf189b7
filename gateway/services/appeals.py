"""``submitAppeal`` (RULES §8, §13): an appeal against one certificate, within the month.

Who may file: the adult student; a minor student's legal representative (a parent with custody
or a guardian, RULES §3 rules 2–3, from the population register); or the official responsible
for the student's resocialisation while the student is in prison (from the Prison
Administration's register). Both registers fail closed. The requester must be an adult, as on
every EP226 service. The certificate must be one the student's ``listDocuments`` shows, still
valid or under appeal, and the appeal filed by the deadline of
:func:`gateway.domain.appeals.appeal_deadline` (Riga dates). One open appeal per certificate: a
second returns the open one. Once VISC has decided it (upheld or rejected, from the import), a
further appeal against the certificate returns the decided one with its decision: the decision
is VISC's last word on the certificate, and this answer is where the filer sees it (RULES §13).
The function returns its decision; the caller audits it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from gateway.domain.age import riga_date
from gateway.domain.appeals import (
    AppellantRole,
    appeal_deadline,
    may_file_appeal,
    may_still_appeal,
)
from gateway.domain.certificate_status import downloadable
from gateway.domain.documents import AppealStatus, DocumentKind
from gateway.domain.mandate import Accessor, Reason, official_of
from gateway.domain.personal_code import PersonalCode
from gateway.domain.prison import responsible_official
from gateway.errors import (
    AppealNotAllowed,
    AppealTooLate,
    DocumentNotAvailable,
    DocumentNotFound,
    PrisonRegistryUnavailable,
    RegistryUnavailable,
)
from gateway.registry.mandate_service import check_mandate
from gateway.registry.prison_client import PrisonClient
from gateway.services.access import Access, check_subject_limit
from gateway.services.decision import Decided
from gateway.services.documents import require_adult
from gateway.store import appeals as store
from gateway.store.documents import visible_document

_LEGAL_REPRESENTATION = (Reason.PARENT_WITH_CUSTODY, Reason.GUARDIAN_OF_MINOR)
_ANSWERED_AS_IS = (AppealStatus.OPEN, AppealStatus.DECIDED)
"""An open appeal is answered as it stands; so is a decided one, with VISC's decision: that
is how whoever filed it (a resocialisation official lists no documents) learns it (RULES §13)."""


@dataclass(frozen=True, slots=True)
class AppealDecision(Decided):
    """What was decided: the appeal (new or already open), in what role, by which deadline."""

    student: PersonalCode
    number: str
    appeal: store.AppealRow
    role: AppellantRole
    deadline: date
    already: bool
    accessor: Accessor | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        """The certificate and the appeal's reference, for the audit record."""
        return (self.number, self.appeal.reference)

    @property
    def reason(self) -> str:
        return self.role.value


@dataclass(frozen=True, slots=True)
class Appellant:
    """In which capacity the requester appeals, and who they are in the register's eyes that
    vouches for them (RULES §13; ``None`` for the student)."""

    role: AppellantRole
    accessor: Accessor | None = None


def appellant_role(access: Access, prison: PrisonClient, requester: PersonalCode,
                   student: PersonalCode, now: datetime) -> Appellant:
    """In which capacity ``requester`` may appeal for ``student``, or the refusal raised; a
    refusal names the requester as a register does (a representative or an official in any
    relation or term, RULES §13)."""
    require_adult(access.registry, requester, now)
    if requester.digits == student.digits:
        return Appellant(AppellantRole.STUDENT)  # an adult: may_file_appeal(STUDENT) holds
    check_subject_limit(access, requester, student, now)
    decision = check_mandate(access.registry, requester, student, now)
    if decision.allowed and may_file_appeal(
        AppellantRole.LEGAL_REPRESENTATIVE,
        student_is_adult=decision.reason not in _LEGAL_REPRESENTATION,
        mandate=decision.reason,
    ):
        return Appellant(AppellantRole.LEGAL_REPRESENTATIVE, decision.accessor)
    try:
        record = prison.lookup(student, user_id=requester)  # raises when it cannot say
    except PrisonRegistryUnavailable as exc:
        exc.accessor = decision.accessor
        raise
    official = responsible_official(record, requester.digits, riga_date(now))
    accessor = decision.accessor or official_of(requester.digits, record)
    if may_file_appeal(AppellantRole.RESOCIALISATION_OFFICIAL, student_is_adult=True,
                       student_in_prison=official is not None):
        return Appellant(AppellantRole.RESOCIALISATION_OFFICIAL,
                         official_of(requester.digits, record))
    if decision.reason is Reason.REGISTRY_UNAVAILABLE:
        raise RegistryUnavailable("mandate", accessor=accessor)
    raise AppealNotAllowed("role", accessor=accessor)


def submit_appeal(access: Access, prison: PrisonClient, requester: PersonalCode,
                  student: PersonalCode, number: str, text: str, now: datetime
                  ) -> AppealDecision:
    """File (or find the open) appeal against certificate ``number`` of ``student``."""
    appellant = appellant_role(access, prison, requester, student, now)
    role, accessor = appellant.role, appellant.accessor
    today = riga_date(now)
    with access.engine.begin() as conn:
        row = visible_document(conn, student.digits, number, now)
        if row is None or row.kind is not DocumentKind.CE_CERTIFICATE:
            raise DocumentNotFound("not visible", accessor=accessor)
        deadline = appeal_deadline(row.issued_on)
        if row.appeal is not None and row.appeal.status in _ANSWERED_AS_IS:
            return AppealDecision(student, number, row.appeal, role, deadline, True, accessor)
        if not downloadable(row.status):
            raise DocumentNotAvailable(row.status.value, accessor=accessor)
        if not may_still_appeal(row.issued_on, today):
            raise AppealTooLate("deadline", accessor=accessor, deadline=deadline.isoformat())
        appeal, already = store.open_appeal(conn, {
            "reference": f"APL-{now:%Y}-{secrets.token_hex(4).upper()}",
            "document_number": number,
            "requester_code": requester.digits,
            "subject_code": student.digits,
            "role": role.value,
            "text": text,
            "created_at": now,
        })
    return AppealDecision(student, number, appeal, role, deadline, already, accessor)
