"""Journal notes."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from storage.tables.base import Id, UtcDateTime, metadata

journal_notes = Table(
    "journal_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("text", String(500), nullable=False),
    Column("written_at", UtcDateTime, nullable=False),
    Index("ix_journal_notes_member", "member_id", "written_at"),
)
