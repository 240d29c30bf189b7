"""Who the accessor was in a register's eyes: the audit record's kind and name (RULES §13).

Revision ID: 0008
Revises: 0007_appeal_decisions
Create Date: 2026-12-05

A representative (population register) or a resocialisation official (Prison Administration)
is named in the subject's access log whether their access was allowed or refused; the name is
the register's at the time of the access, so the record keeps it. Both columns are empty for
every other accessor and for the records written before this revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007_appeal_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.add_column(sa.Column("accessor_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("accessor_name", sa.String(201), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as batch:
        batch.drop_column("accessor_name")
        batch.drop_column("accessor_kind")
