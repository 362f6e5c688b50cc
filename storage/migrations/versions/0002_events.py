"""events, attendance, reviews and due jobs

Revision ID: 0002_events
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.tables.base

revision = "0002_events"
down_revision = "0001"
branch_labels = ("events",)
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    instant = storage.tables.base.UtcDateTime(timezone=True)
    op.create_table(
        "events",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("circle_id", _id(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("series_id", _id(), nullable=True),
        sa.Column("occurrence", sa.Integer(), server_default="1", nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("location", sa.String(length=500), server_default="", nullable=False),
        sa.Column("starts_at", instant, nullable=False),
        sa.Column("ends_at", instant, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.Boolean(), nullable=False),
        sa.Column("created_by", _id(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("review_closes_at", instant, nullable=True),
        sa.Column("closed_at", instant, nullable=True),
        sa.Column("at_level", sa.Integer(), server_default="0", nullable=False),
        sa.Column("below", sa.Integer(), server_default="0", nullable=False),
        sa.Column("voters", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_events_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"], ["circles.id"], name=op.f("fk_events_circle_id_circles")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["events.id"], name=op.f("fk_events_series_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["members.id"], name=op.f("fk_events_created_by_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("community_id", "number", name="uq_events_number"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_circle_start", ["circle_id", "starts_at"], unique=False)
        batch_op.create_index(
            "ix_events_community_start", ["community_id", "starts_at"], unique=False
        )

    op.create_table(
        "event_hosts",
        sa.Column("event_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_hosts_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_event_hosts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("event_id", "member_id", name=op.f("pk_event_hosts")),
    )
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.create_index("ix_event_hosts_member", ["member_id"], unique=False)

    op.create_table(
        "event_attendees",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("event_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("rsvp", sa.String(length=16), nullable=True),
        sa.Column("rsvp_at", instant, nullable=True),
        sa.Column("checked_in_at", instant, nullable=True),
        sa.Column("checked_in_by", _id(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_attendees_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_event_attendees_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by"],
            ["members.id"],
            name=op.f("fk_event_attendees_checked_in_by_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_attendees")),
        sa.UniqueConstraint("event_id", "member_id", name="uq_event_attendees_member"),
    )
    with op.batch_alter_table("event_attendees", schema=None) as batch_op:
        batch_op.create_index("ix_event_attendees_member", ["member_id", "event_id"], unique=False)

    op.create_table(
        "review_ballots",
        sa.Column("event_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("at_level", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("cast_at", instant, nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_review_ballots_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_review_ballots_member_id_members")
        ),
        sa.PrimaryKeyConstraint("event_id", "member_id", name=op.f("pk_review_ballots")),
    )

    op.create_table(
        "jobs",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("community_id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("unique_key", sa.String(length=64), nullable=True),
        sa.Column("due_at", instant, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", instant, nullable=True),
        sa.Column("ran_at", instant, nullable=True),
        sa.Column("outbox", sa.JSON(), nullable=True),
        sa.Column("done_at", instant, nullable=True),
        sa.Column("failed_at", instant, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", instant, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_jobs_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("community_id", "unique_key", name="uq_jobs_unique_key"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_pending", ["done_at", "due_at"], unique=False)
        batch_op.create_index("ix_jobs_ref", ["community_id", "ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_ref")
        batch_op.drop_index("ix_jobs_pending")
    op.drop_table("jobs")
    op.drop_table("review_ballots")
    with op.batch_alter_table("event_attendees", schema=None) as batch_op:
        batch_op.drop_index("ix_event_attendees_member")
    op.drop_table("event_attendees")
    with op.batch_alter_table("event_hosts", schema=None) as batch_op:
        batch_op.drop_index("ix_event_hosts_member")
    op.drop_table("event_hosts")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_community_start")
        batch_op.drop_index("ix_events_circle_start")
    op.drop_table("events")
