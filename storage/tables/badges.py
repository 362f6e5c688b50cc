"""Tables for badges, credential status, journal notes, signing keys and forgotten members."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

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
    # A revoked award stays on record, with who revoked it and why.
    Column("revoked_at", UtcDateTime),
    Column("revoked_by", Id, ForeignKey("members.id")),
    Column("revoke_reason", String(500)),
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


# One entry of the community's Bitstring Status List per exported credential: a
# badge's, or a completed pathway's. Each index is picked at random when its
# credential is first exported, so the list says nothing about the order of awards.
credential_statuses = Table(
    "credential_statuses",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("status_index", Integer, primary_key=True, autoincrement=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    # The badge award, for a badge's credential; None for a pathway's.
    Column("award_id", Id, ForeignKey("badge_awards.id"), unique=True),
    # For a pathway's credential: the award ids it rests on, comma separated.
    Column("rests_on", String(2000)),
    Column("issued_at", UtcDateTime, nullable=False),
    # Set when the award, or an award a pathway rests on, is revoked.
    Column("revoked_at", UtcDateTime),
    Index("ix_credential_statuses_revoked", "community_id", "revoked_at"),
    Index("ix_credential_statuses_member", "member_id"),
)
