"""Shares of certificates and the verification guard (RULES §14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

``shares`` keeps a share by the keyed hash of its code (never the code), its holder, who made
it (the holder or their representative), its last day and when it was revoked;
``share_certificates`` its certificates. ``verify_guards`` counts each verifying client's
failed verifications (the two latest failure times) and its 24-hour block, one row per client
so that one atomic upsert decides across workers and instances.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("holder_code", sa.String(11), nullable=False),
        sa.Column("created_by", sa.String(11), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_shares"),
        sa.UniqueConstraint("code_hash", name="uq_shares_code_hash"),
    )
    op.create_index("ix_shares_holder_code", "shares", ["holder_code"])
    op.create_table(
        "share_certificates",
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("document_number", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"],
                                name="fk_share_certificates_share_id_shares"),
        sa.ForeignKeyConstraint(["document_number"], ["documents.number"],
                                name="fk_share_certificates_document_number_documents"),
        sa.PrimaryKeyConstraint("share_id", "document_number", name="pk_share_certificates"),
    )
    op.create_table(
        "verify_guards",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("latest", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_verify_guards"),
    )


def downgrade() -> None:
    op.drop_table("verify_guards")
    op.drop_table("share_certificates")
    op.drop_index("ix_shares_holder_code", "shares")
    op.drop_table("shares")
