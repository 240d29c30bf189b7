"""The status rule of a certificate (RULES §13), as the citizen and a verifier see it.

VISC's import says whether a document is ``valid`` or ``revoked`` and which earlier document a
corrected one ``supersedes``; an open appeal makes a valid certificate ``under_appeal``. A sealed
e-document never changes: a corrected result is a new certificate, and the old one becomes
``superseded`` with the new number.
"""

from __future__ import annotations

from gateway.domain.documents import IMPORTED_STATUSES, AppealStatus, CertificateStatus

__all__ = ["IMPORTED_STATUSES", "AppealStatus", "CertificateStatus", "downloadable",
           "effective_status"]


def effective_status(
    imported: str, superseded_by: str | None, appeal_open: bool
) -> CertificateStatus:
    """The status shown: revoked over superseded over under appeal over valid."""
    if imported == CertificateStatus.REVOKED:
        return CertificateStatus.REVOKED
    if superseded_by is not None:
        return CertificateStatus.SUPERSEDED
    if appeal_open:
        return CertificateStatus.UNDER_APPEAL
    return CertificateStatus.VALID


def downloadable(status: CertificateStatus) -> bool:
    """A superseded or revoked certificate is no longer downloadable (RULES §13)."""
    return status in (CertificateStatus.VALID, CertificateStatus.UNDER_APPEAL)
