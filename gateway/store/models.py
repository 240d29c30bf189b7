"""The gateway's tables (SQLAlchemy 2 declarative models).

Reference data (sessions, exams, institutions, persons) is keyed by its natural code, so the
import can upsert by natural keys and results and documents can refer to codes directly.
Personal codes are stored as their 11 digits (RULES §1).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gateway.store.types import UtcDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = String(11)  # a personal code's 11 digits
JSON_DOC = JSON().with_variant(JSONB(), "postgresql")  # JSONB has equality; plain json has not


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ExamSession(Base):
    """An exam session; nothing of it is visible before ``published_at`` (RULES §5)."""

    __tablename__ = "exam_sessions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9))  # "2023/2024"
    level: Mapped[str] = mapped_column(String(16))  # "basic" | "secondary"
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Exam(Base):
    """An exam, its ordered part names and whether it grades a CEFR level."""

    __tablename__ = "exams"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parts: Mapped[list[str]] = mapped_column(JSON_DOC)
    cefr: Mapped[bool] = mapped_column(Boolean)


class Institution(Base):
    """A school."""

    __tablename__ = "institutions"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Person(Base):
    """A person who sat an exam or holds a document."""

    __tablename__ = "persons"

    personal_code: Mapped[str] = mapped_column(CODE, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))


class Result(Base):
    """One person's result in one exam of one session, with each part's percent."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("personal_code", "session_code", "exam_code"),
        Index(None, "institution_code", "session_code"),  # a school's results (RULES §12)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    personal_code: Mapped[str] = mapped_column(ForeignKey("persons.personal_code"))
    session_code: Mapped[str] = mapped_column(ForeignKey("exam_sessions.code"), index=True)
    exam_code: Mapped[str] = mapped_column(ForeignKey("exams.code"))
    institution_code: Mapped[str | None] = mapped_column(ForeignKey("institutions.code"))
    total_percent: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    cefr_level: Mapped[str | None] = mapped_column(String(2))
    parts: Mapped[dict[str, Any]] = mapped_column(JSON_DOC)  # part name → percent


class Document(Base):
    """An issued certificate, language decision or statement.

    ``edoc`` holds the sealed e-document once it has been rendered; an issued document never
    changes, so its bytes are made once and served as stored.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    personal_code: Mapped[str] = mapped_column(ForeignKey("persons.personal_code"), index=True)
    session_code: Mapped[str | None] = mapped_column(ForeignKey("exam_sessions.code"))
    exam_code: Mapped[str | None] = mapped_column(ForeignKey("exams.code"))
    issued_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    edoc: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    edoc_sha256: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # VISC's word on the document (RULES §13): "valid" or "revoked". "superseded" is not
    # stored here: it is the fact that a newer document names this one in ``supersedes``.
    status: Mapped[str] = mapped_column(String(16), default="valid", server_default="valid")
    supersedes: Mapped[str | None] = mapped_column(String(64), unique=True)


class PaperCopyRequest(Base):
    """A request for a paper copy of a document, with its delivery address and status."""

    __tablename__ = "paper_copy_requests"
    __table_args__ = (
        # At most one open request per document: a second request returns the open one.
        Index(
            "uq_paper_copy_requests_open",
            "document_number",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_number: Mapped[str] = mapped_column(ForeignKey("documents.number"), index=True)
    requester_code: Mapped[str] = mapped_column(CODE)
    subject_code: Mapped[str] = mapped_column(CODE)
    address: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | sent | cancelled
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DocumentApplication(Base):
    """An application for VISC to prepare a missing document."""

    __tablename__ = "document_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    requester_code: Mapped[str] = mapped_column(CODE)
    subject_code: Mapped[str] = mapped_column(CODE, index=True)
    exam_code: Mapped[str | None] = mapped_column(String(16))
    school_year: Mapped[str | None] = mapped_column(String(9))
    text: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16))  # received | in_review | done | rejected
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Appeal(Base):
    """An appeal against one certificate (RULES §8, §13); at most one open per certificate."""

    __tablename__ = "appeals"
    __table_args__ = (
        Index(
            "uq_appeals_open",
            "document_number",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    document_number: Mapped[str] = mapped_column(ForeignKey("documents.number"), index=True)
    requester_code: Mapped[str] = mapped_column(CODE)
    subject_code: Mapped[str] = mapped_column(CODE, index=True)
    role: Mapped[str] = mapped_column(String(32))  # gateway.domain.appeals.AppellantRole
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | decided | withdrawn
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # VISC's decision once ``decided`` (RULES §13): upheld | rejected, and its date. The new
    # certificate of an upheld appeal is the document whose ``supersedes`` names this one's.
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[date | None] = mapped_column(Date)


class AuditRecord(Base):
    """One record per call, allowed or refused (RULES §7)."""

    __tablename__ = "audit_records"
    __table_args__ = (
        Index(None, "subject_code", "at"),
        Index(None, "requester_code", "subject_code", "at"),
        # The verifiers' rate limit counts one client's calls of one service in a window.
        Index(None, "client", "service", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(300))
    service: Mapped[str] = mapped_column(String(100))
    requester_code: Mapped[str | None] = mapped_column(CODE)
    subject_code: Mapped[str | None] = mapped_column(CODE)
    outcome: Mapped[str] = mapped_column(String(16))  # allowed | refused | error
    reason: Mapped[str | None] = mapped_column(String(64))
    documents: Mapped[list[str] | None] = mapped_column(JSON_DOC)
    # Who the requester was in a register's eyes (RULES §13), allowed or refused:
    # representative | official, and the name that register gives; else both empty.
    accessor_kind: Mapped[str | None] = mapped_column(String(16))
    accessor_name: Mapped[str | None] = mapped_column(String(201))


class AuditSubject(Base):
    """A further person whose data one call's answer carried (a school's or VIIS's list):
    so that every access to a person's data is found by their code (RULES §7, §13)."""

    __tablename__ = "audit_subjects"
    __table_args__ = (Index(None, "subject_code", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_records.id"), index=True)
    subject_code: Mapped[str] = mapped_column(CODE)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class PortalSession(Base):
    """A signed-in portal session, held server-side so that sign-out, the idle timeout and the
    absolute lifetime end it for every copy of its cookie (OWASP ASVS v5 V7). ``id`` is the
    SHA-256 of the random session id the sealed cookie carries: a copy of this table lets
    nobody sign in. No personal data."""

    __tablename__ = "portal_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class RateCounter(Base):
    """Events of one kind (``scope``) from one client (``key``: a keyed hash of its address)
    in one fixed window starting at ``window_start``: the portal's limits, shared by every
    worker and instance on the database."""

    __tablename__ = "rate_counters"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer)


class Share(Base):
    """A holder's share of one or more certificates (RULES §14): found by the keyed hash of
    its code (the code itself is never stored), valid through ``expires_on`` (a Riga date)
    unless revoked."""

    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    holder_code: Mapped[str] = mapped_column(CODE, index=True)
    created_by: Mapped[str] = mapped_column(CODE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ShareCertificate(Base):
    """One certificate of a share."""

    __tablename__ = "share_certificates"

    share_id: Mapped[int] = mapped_column(ForeignKey("shares.id"), primary_key=True)
    document_number: Mapped[str] = mapped_column(ForeignKey("documents.number"),
                                                 primary_key=True)


class VerifyGuard(Base):
    """Failed verifications of one client (``key``: a keyed hash of its X-Road id or web
    address, RULES §14): the times of its two latest failures and, once three fell within
    ten minutes, the end of its block. One row per client, updated atomically."""

    __tablename__ = "verify_guards"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    latest: Mapped[datetime] = mapped_column(UtcDateTime)
    previous: Mapped[datetime | None] = mapped_column(UtcDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
