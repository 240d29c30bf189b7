"""Certificate status (valid/revoked, supersedes), appeals, and the verifiers' rate-limit index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="valid")
        )
        batch.add_column(sa.Column("supersedes", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_documents_supersedes", ["supersedes"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("document_number", sa.String(64), nullable=False),
        sa.Column("requester_code", sa.String(11), nullable=False),
        sa.Column("subject_code", sa.String(11), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_number"], ["documents.number"],
            name="fk_appeals_document_number_documents",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
        sa.UniqueConstraint("reference", name="uq_appeals_reference"),
    )
    op.create_index("ix_appeals_document_number", "appeals", ["document_number"])
    op.create_index("ix_appeals_subject_code", "appeals", ["subject_code"])
    op.create_index(
        "uq_appeals_open",
        "appeals",
        ["document_number"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "ix_audit_records_client_service_at", "audit_records", ["client", "service", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_records_client_service_at", table_name="audit_records")
    op.drop_table("appeals")
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_documents_supersedes", type_="unique")
        batch.drop_column("supersedes")
        batch.drop_column("status")
