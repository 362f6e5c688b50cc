"""Communities."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
)

from storage.tables.base import Id, UtcDateTime, metadata

communities = Table(
    "communities",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("next_number", Integer, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime, nullable=False),
    # Bumped with every settings write, so a process can keep the settings it read.
    Column("settings_version", Integer, nullable=False, server_default="0"),
)
