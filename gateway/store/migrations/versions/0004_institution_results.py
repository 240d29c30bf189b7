"""A school's results by institution (the VIIS report, RULES §12), and the further subjects of
an audited call (an answer about many persons).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.create_index(
            "ix_results_institution_code_session_code", ["institution_code", "session_code"]
        )
    op.create_table(
        "audit_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("subject_code", sa.String(length=11), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit_records.id"],
                                name="fk_audit_subjects_audit_id_audit_records"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_subjects"),
    )
    op.create_index("ix_audit_subjects_audit_id", "audit_subjects", ["audit_id"])
    op.create_index("ix_audit_subjects_subject_code_at", "audit_subjects", ["subject_code", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_subjects_subject_code_at", table_name="audit_subjects")
    op.drop_index("ix_audit_subjects_audit_id", table_name="audit_subjects")
    op.drop_table("audit_subjects")
    with op.batch_alter_table("results") as batch:
        batch.drop_index("ix_results_institution_code_session_code")
