"""Tables for badges, pathways, journal notes, signing keys and forgotten members."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from storage.tables.base import Id, UtcDateTime, metadata

badge_awards = Table(
    "badge_awards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("code", String(64), nullable=False),
    # What the badge said when it was earned: a later change of its class leaves it be.
    Column("name", String(120), nullable=False),
    Column("description", String(300), nullable=False),
    Column("criteria", String(300), nullable=False),
    Column("evidence", String(500), nullable=False),
    # None when the badge was earned automatically.
    Column("awarded_by", Id, ForeignKey("members.id")),
    Column("awarded_at", UtcDateTime, nullable=False),
    UniqueConstraint("community_id", "number", name="uq_badge_awards_number"),
    UniqueConstraint("member_id", "code", name="uq_badge_awards_member_code"),
)

# One Ed25519 signing key per community, made on first use.
community_keys = Table(
    "community_keys",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    # The 32-byte seed as multibase (z...).
    Column("secret", String(80), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


# How far the automatic badge check has looked at closed reviews.
badge_sweeps = Table(
    "badge_sweeps",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("swept_until", UtcDateTime, nullable=False),
)
