"""Tables, kept apart from bot/model; repositories map rows to models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Instants in UTC on every engine; SQLite drops zones, so they are put back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer(), "sqlite")

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

link_codes = Table(
    "link_codes",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

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

settings = Table(
    "settings",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)

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

posts = Table(
    "posts",
    metadata,
    Column("community_id", Id, ForeignKey("communities.id"), primary_key=True),
    Column("platform", String(16), primary_key=True),
    Column("external_id", String(255), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("object_id", Id, nullable=False),
)

# Each later noun declares its tables in a module of its own on this metadata;
# importing them here lets Alembic and the tests see one schema.
from storage import tables_badges, tables_events, tables_ledger  # noqa: E402, F401
