"""VISC's decision on an appeal (RULES §13): upheld or rejected, and the day it was decided.

Revision ID: 0007_appeal_decisions
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_appeal_decisions"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("decision", sa.String(16), nullable=True))
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
    # Appeals closed before this revision were closed by a correction that superseded their
    # certificate (store.supersession.close_superseded_appeals): upheld, on the day the new
    # certificate was issued.
    op.execute(
        "UPDATE appeals SET decision = 'upheld', decided_on = ("
        " SELECT d.issued_on FROM documents d WHERE d.supersedes = appeals.document_number)"
        " WHERE status = 'decided' AND EXISTS ("
        " SELECT 1 FROM documents d WHERE d.supersedes = appeals.document_number)"
    )


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("decided_on")
        batch.drop_column("decision")
