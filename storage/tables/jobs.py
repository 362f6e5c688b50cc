"""Due work as rows, claimed under a lease."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

jobs = Table(
    "jobs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    # The object a job is about (`event:12`), so changing the object can drop its jobs.
    Column("ref", String(64)),
    # At most one pending job per key and community (a recurring sweep); cleared once run.
    Column("unique_key", String(64)),
    Column("due_at", UtcDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_owner", String(64)),
    Column("lease_until", UtcDateTime),
    # Set in the same transaction as the job's effects: a job runs at most once.
    Column("ran_at", UtcDateTime),
    # The notices the job produced, kept until they are delivered.
    Column("outbox", JSON),
    Column("done_at", UtcDateTime),
    Column("failed_at", UtcDateTime),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("community_id", "unique_key", name="uq_jobs_unique_key"),
    Index("ix_jobs_pending", "done_at", "due_at"),
    Index("ix_jobs_ref", "community_id", "ref"),
)
