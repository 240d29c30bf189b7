"""Audit index by requester and subject, for the enumeration limit's probe.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_index("ix_audit_records_requester_code_at")
        batch.create_index(
            "ix_audit_records_requester_code_subject_code_at",
            ["requester_code", "subject_code", "at"],
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_index("ix_audit_records_requester_code_subject_code_at")
        batch.create_index("ix_audit_records_requester_code_at", ["requester_code", "at"])
