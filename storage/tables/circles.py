"""Circles, their seats and their places on each platform."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.tables.base import Id, UtcDateTime, metadata

circles = Table(
    "circles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("name", String(32), nullable=False),
    Column("topic", String(120), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("size", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("community_id", "name", name="uq_circles_name"),
    UniqueConstraint("community_id", "number", name="uq_circles_number"),
)


circle_seats = Table(
    "circle_seats",
    metadata,
    # The id orders seats taken at the same instant (a console's fixed clock).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("circle_id", Id, ForeignKey("circles.id"), nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("lead", Boolean, nullable=False),
    Column("waiting", Boolean, nullable=False),
    Column("since", UtcDateTime, nullable=False),
    UniqueConstraint("circle_id", "member_id", name="uq_circle_seats_member"),
    Index("ix_circle_seats_member", "member_id"),
)


circle_places = Table(
    "circle_places",
    metadata,
    Column("circle_id", Id, ForeignKey("circles.id"), primary_key=True),
    Column("platform", String(16), primary_key=True),
    Column("external_id", String(255), nullable=False),
)
