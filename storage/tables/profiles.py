"""One-time codes that link a member's identities."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
    Table,
)

from storage.tables.base import Id, UtcDateTime, metadata

link_codes = Table(
    "link_codes",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
