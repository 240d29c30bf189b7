"""The kinds and states of the documents VPIS issues: one list each, used by the importer, the
store, the renderer, the wording and the answers (RULES §4, §9, §13). ``schemas/vpis.xsd`` and
``schemas/import.schema.json`` enumerate the same values; a test holds them together."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    """What a document is (RULES §9 ``kind``)."""

    CE_CERTIFICATE = "ce_certificate"
    """Certificate of a centralized exam: belongs to a session and an exam."""
    LANGUAGE_DECISION = "language_decision"
    """Decision on the level of state-language proficiency."""
    LANGUAGE_STATEMENT = "language_statement"
    """Statement on the results of the state-language proficiency test."""

    @property
    def is_certificate(self) -> bool:
        return self is DocumentKind.CE_CERTIFICATE


LANGUAGE_KINDS = frozenset({DocumentKind.LANGUAGE_DECISION, DocumentKind.LANGUAGE_STATEMENT})
"""The state-language-proficiency documents of EP226."""


class PaperCopyStatus(StrEnum):
    """Where a request for a paper copy stands (``vpis:RequestStatus``)."""

    OPEN = "open"
    SENT = "sent"
    CANCELLED = "cancelled"


class CertificateStatus(StrEnum):
    """What became of a certificate (RULES §13; ``vpis:CertificateStatus``)."""

    VALID = "valid"
    UNDER_APPEAL = "under_appeal"
    SUPERSEDED = "superseded"
    """An appeal changed the result: a new certificate replaced this one."""
    REVOKED = "revoked"


IMPORTED_STATUSES = frozenset({CertificateStatus.VALID, CertificateStatus.REVOKED})
"""The statuses VISC's import gives a document (``status``); the other two follow from an open
appeal and from a newer document's ``supersedes``."""


class AppealStatus(StrEnum):
    """Where an appeal stands (``vpis:AppealStatus``)."""

    OPEN = "open"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class AppealOutcome(StrEnum):
    """VISC's decision on an appeal (RULES §13; ``vpis:AppealOutcome``, the import's
    ``appeals[].decision``). Either closes the appeal: its status becomes ``decided``."""

    UPHELD = "upheld"
    """The result changed: a new certificate supersedes the appealed one."""
    REJECTED = "rejected"
    """The result stands: the appealed certificate is ``valid`` again."""
