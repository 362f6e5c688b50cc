"""badges, signing keys, journal notes

Revision ID: 0004_badges
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.tables.base

revision = "0004_badges"
down_revision = "0001"
branch_labels = ("badges",)
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _community(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["community_id"], ["communities.id"], name=op.f(f"fk_{table}_community_id_communities")
    )


def upgrade() -> None:
    instant = storage.tables.base.UtcDateTime(timezone=True)
    op.create_table(
        "badge_awards",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("criteria", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("awarded_by", _id(), nullable=True),
        sa.Column("awarded_at", instant, nullable=False),
        _community("badge_awards"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_badge_awards_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["awarded_by"], ["members.id"], name=op.f("fk_badge_awards_awarded_by_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_awards")),
        sa.UniqueConstraint("community_id", "number", name="uq_badge_awards_number"),
        sa.UniqueConstraint("member_id", "code", name="uq_badge_awards_member_code"),
    )
    op.create_table(
        "community_keys",
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        _community("community_keys"),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_community_keys")),
    )
    op.create_table(
        "journal_notes",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("written_at", instant, nullable=False),
        _community("journal_notes"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_journal_notes_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_notes")),
    )
    with op.batch_alter_table("journal_notes", schema=None) as batch_op:
        batch_op.create_index("ix_journal_notes_member", ["member_id", "written_at"], unique=False)
    op.create_table(
        "badge_sweeps",
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("swept_until", instant, nullable=False),
        _community("badge_sweeps"),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_badge_sweeps")),
    )


def downgrade() -> None:
    op.drop_table("badge_sweeps")
    with op.batch_alter_table("journal_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_notes_member")
    op.drop_table("journal_notes")
    op.drop_table("community_keys")
    op.drop_table("badge_awards")
