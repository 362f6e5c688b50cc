"""Command keys (repeat safety) and the audit log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
)

from storage.tables.base import Id, UtcDateTime, metadata

command_keys = Table(
    "command_keys",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("command", String(64), nullable=False),
    Column("member_id", Id, ForeignKey("members.id")),
    Column("reply", JSON, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)


audit = Table(
    "audit",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("member_id", Id, ForeignKey("members.id")),
    Column("command", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_audit_member", "member_id", "at"),
)
