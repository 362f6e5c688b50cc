"""revocation and credential status; badge checks move to the review close

Revision ID: 0006_credentials
Revises: 0005_settings_version
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.tables.base

revision = "0006_credentials"
down_revision = "0005_settings_version"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    instant = storage.tables.base.UtcDateTime(timezone=True)
    with op.batch_alter_table("badge_awards") as batch:
        batch.add_column(sa.Column("revoked_at", instant, nullable=True))
        batch.add_column(sa.Column("revoked_by", _id(), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.String(length=500), nullable=True))
        batch.create_foreign_key(
            op.f("fk_badge_awards_revoked_by_members"), "members", ["revoked_by"], ["id"]
        )
    op.create_table(
        "credential_statuses",
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("status_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("award_id", _id(), nullable=True),
        sa.Column("rests_on", sa.String(length=2000), nullable=True),
        sa.Column("issued_at", instant, nullable=False),
        sa.Column("revoked_at", instant, nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_credential_statuses_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_credential_statuses_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["badge_awards.id"],
            name=op.f("fk_credential_statuses_award_id_badge_awards"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "status_index", name=op.f("pk_credential_statuses")
        ),
        sa.UniqueConstraint("award_id", name=op.f("uq_credential_statuses_award_id")),
    )
    with op.batch_alter_table("credential_statuses") as batch:
        batch.create_index(
            "ix_credential_statuses_revoked", ["community_id", "revoked_at"], unique=False
        )
        batch.create_index("ix_credential_statuses_member", ["member_id"], unique=False)
    # Reviews now check the badges of everyone involved as they close.
    op.drop_table("badge_sweeps")


def downgrade() -> None:
    instant = storage.tables.base.UtcDateTime(timezone=True)
    op.create_table(
        "badge_sweeps",
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("swept_until", instant, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_badge_sweeps_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_badge_sweeps")),
    )
    with op.batch_alter_table("credential_statuses") as batch:
        batch.drop_index("ix_credential_statuses_member")
        batch.drop_index("ix_credential_statuses_revoked")
    op.drop_table("credential_statuses")
    with op.batch_alter_table("badge_awards") as batch:
        batch.drop_constraint(op.f("fk_badge_awards_revoked_by_members"), type_="foreignkey")
        batch.drop_column("revoke_reason")
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
