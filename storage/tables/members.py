"""Members and their platform identities."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
)

from storage.tables.base import Id, UtcDateTime, metadata

members = Table(
    "members",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("display_name", String(80), nullable=False),
    Column("name_key", String(80), nullable=False),
    Column("context", String(80)),
    Column("context_key", String(80)),
    Column("timezone", String(64)),
    Column("offers", String(200), nullable=False, server_default=""),
    Column("seeks", String(200), nullable=False, server_default=""),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("is_admin", Boolean, nullable=False, server_default="0"),
    Column("is_assessor", Boolean, nullable=False, server_default="0"),
    Column("is_trustee", Boolean, nullable=False, server_default="0"),
    Column("merged_into", Id, ForeignKey("members.id")),
    Index("ix_members_community_name", "community_id", "name_key"),
)


identities = Table(
    "identities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False, index=True),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(255), nullable=False),
    UniqueConstraint("community_id", "platform", "external_id", name="uq_identities_platform_id"),
)
