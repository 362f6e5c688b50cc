"""Review ballots on events."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from storage.tables.base import Id, UtcDateTime, metadata

review_ballots = Table(
    "review_ballots",
    metadata,
    Column("event_id", Id, ForeignKey("events.id"), primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), primary_key=True),
    Column("at_level", Boolean, nullable=False),
    Column("rating", Integer),
    Column("comment", String(500)),
    Column("cast_at", UtcDateTime, nullable=False),
    Column("via", String(16), nullable=False),
    # A member's ballots, newest last: reputation, badges and journeys count them.
    Index("ix_review_ballots_member", "member_id", "cast_at"),
)
