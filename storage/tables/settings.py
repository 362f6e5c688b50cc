"""A community's stored settings."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    String,
    Table,
)

from storage.tables.base import Id, metadata

settings = Table(
    "settings",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)
