"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("client", sa.String(length=300), nullable=True),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("requester_code", sa.String(length=11), nullable=True),
        sa.Column("subject_code", sa.String(length=11), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column(
            "documents", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_records")),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_records_requester_code_at"), ["requester_code", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_records_subject_code_at"), ["subject_code", "at"], unique=False
        )

    op.create_table(
        "document_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("requester_code", sa.String(length=11), nullable=False),
        sa.Column("subject_code", sa.String(length=11), nullable=False),
        sa.Column("exam_code", sa.String(length=16), nullable=True),
        sa.Column("school_year", sa.String(length=9), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_applications")),
        sa.UniqueConstraint("reference", name=op.f("uq_document_applications_reference")),
    )
    with op.batch_alter_table("document_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_applications_subject_code"), ["subject_code"], unique=False
        )

    op.create_table(
        "exam_sessions",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_exam_sessions")),
    )
    op.create_table(
        "exams",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "parts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("cefr", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_exams")),
    )
    op.create_table(
        "institutions",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_institutions")),
    )
    op.create_table(
        "persons",
        sa.Column("personal_code", sa.String(length=11), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("personal_code", name=op.f("pk_persons")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("personal_code", sa.String(length=11), nullable=False),
        sa.Column("session_code", sa.String(length=16), nullable=True),
        sa.Column("exam_code", sa.String(length=16), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("edoc", sa.LargeBinary(), nullable=True),
        sa.Column("edoc_sha256", sa.String(length=64), nullable=True),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exam_code"], ["exams.code"], name=op.f("fk_documents_exam_code_exams")
        ),
        sa.ForeignKeyConstraint(
            ["personal_code"],
            ["persons.personal_code"],
            name=op.f("fk_documents_personal_code_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["session_code"],
            ["exam_sessions.code"],
            name=op.f("fk_documents_session_code_exam_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_documents_number")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_personal_code"), ["personal_code"], unique=False
        )

    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("personal_code", sa.String(length=11), nullable=False),
        sa.Column("session_code", sa.String(length=16), nullable=False),
        sa.Column("exam_code", sa.String(length=16), nullable=False),
        sa.Column("institution_code", sa.String(length=20), nullable=True),
        sa.Column("total_percent", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("cefr_level", sa.String(length=2), nullable=True),
        sa.Column(
            "parts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["exam_code"], ["exams.code"], name=op.f("fk_results_exam_code_exams")
        ),
        sa.ForeignKeyConstraint(
            ["institution_code"],
            ["institutions.code"],
            name=op.f("fk_results_institution_code_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["personal_code"],
            ["persons.personal_code"],
            name=op.f("fk_results_personal_code_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["session_code"],
            ["exam_sessions.code"],
            name=op.f("fk_results_session_code_exam_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
        sa.UniqueConstraint(
            "personal_code",
            "session_code",
            "exam_code",
            name=op.f("uq_results_personal_code_session_code_exam_code"),
        ),
    )
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_results_session_code"), ["session_code"], unique=False)

    op.create_table(
        "paper_copy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=False),
        sa.Column("requester_code", sa.String(length=11), nullable=False),
        sa.Column("subject_code", sa.String(length=11), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_number"],
            ["documents.number"],
            name=op.f("fk_paper_copy_requests_document_number_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_copy_requests")),
    )
    with op.batch_alter_table("paper_copy_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paper_copy_requests_document_number"), ["document_number"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("paper_copy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_copy_requests_document_number"))

    op.drop_table("paper_copy_requests")
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_session_code"))

    op.drop_table("results")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_personal_code"))

    op.drop_table("documents")
    op.drop_table("persons")
    op.drop_table("institutions")
    op.drop_table("exams")
    op.drop_table("exam_sessions")
    with op.batch_alter_table("document_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_applications_subject_code"))

    op.drop_table("document_applications")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_records_subject_code_at"))
        batch_op.drop_index(batch_op.f("ix_audit_records_requester_code_at"))

    op.drop_table("audit_records")
