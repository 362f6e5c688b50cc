"""Messages Junto posted that stand for an object."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
    Table,
)

from storage.tables.base import Id, metadata

posts = Table(
    "posts",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("platform", String(16), primary_key=True),
    Column("external_id", String(255), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("object_id", Id, nullable=False),
)
