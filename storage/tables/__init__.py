"""Tables, kept apart from bot/model: one module per noun, each declaring its
tables on the shared `metadata` of `base`; repositories map rows to models.
Importing this package imports every noun, so `metadata` is the whole schema
(for Alembic and the tests)."""

from __future__ import annotations

from storage.tables import (
    agreements,
    auctions,
    badges,
    circles,
    commands,
    communities,
    events,
    jobs,
    journeys,
    ledger,
    members,
    posts,
    profiles,
    reviews,
    settings,
)
from storage.tables.base import metadata

__all__ = [
    "agreements",
    "auctions",
    "badges",
    "circles",
    "commands",
    "communities",
    "events",
    "jobs",
    "journeys",
    "ledger",
    "members",
    "metadata",
    "posts",
    "profiles",
    "reviews",
    "settings",
]
