"""Tables for events, attendance, reviews, obligations and due jobs."""

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

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("circle_id", Id, ForeignKey("circles.id"), nullable=False),
    Column("number", Integer, nullable=False),
    # Every occurrence of a repeating event names the first one as its series.
    Column("series_id", Id, ForeignKey("events.id")),
    Column("occurrence", Integer, nullable=False, server_default="1"),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("location", String(500), nullable=False, server_default=""),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("capacity", Integer),
    Column("status", String(16), nullable=False),
    Column("counts", Boolean, nullable=False),
    Column("created_by", Id, ForeignKey("members.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("review_closes_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("at_level", Integer, nullable=False, server_default="0"),
    Column("below", Integer, nullable=False, server_default="0"),
    Column("voters", Integer, nullable=False, server_default="0"),
    UniqueConstraint("community_id", "number", name="uq_events_number"),
    Index("ix_events_circle_start", "circle_id", "starts_at"),
    Index("ix_events_community_start", "community_id", "starts_at"),
    # Upcoming events: the scheduled ones from the soonest, community-wide or per
    # circle; past events have left `scheduled`, so the walk starts near now.
    Index("ix_events_upcoming", "community_id", "status", "starts_at", "id"),
    Index("ix_events_circle_upcoming", "circle_id", "status", "starts_at", "id"),
)

event_hosts = Table(
    "event_hosts",
    metadata,
    Column("event_id", Id, ForeignKey("events.id"), primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), primary_key=True),
    Index("ix_event_hosts_member", "member_id"),
)

event_attendees = Table(
    "event_attendees",
    metadata,
    # The id orders answers given at the same instant (a console's fixed clock).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("events.id"), nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("rsvp", String(16)),
    Column("rsvp_at", UtcDateTime),
    Column("checked_in_at", UtcDateTime),
    Column("checked_in_by", Id, ForeignKey("members.id")),
    UniqueConstraint("event_id", "member_id", name="uq_event_attendees_member"),
    Index("ix_event_attendees_member", "member_id", "event_id"),
)
