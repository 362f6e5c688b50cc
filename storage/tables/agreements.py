"""Providers, learning agreements and the learners' bundles."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from storage.tables.base import Id, UtcDateTime, metadata

providers = Table(
    "providers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("member_id", Id, ForeignKey("members.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("skills", String(200), nullable=False),
    Column("terms_minutes", Integer, nullable=False),
    Column("guarantee", String(500), nullable=False, server_default=""),
    Column("registered_at", UtcDateTime, nullable=False),
    UniqueConstraint("community_id", "member_id", name="uq_providers_member"),
    # `provider list` pages through a community's providers in registration order.
    Index("ix_providers_community", "community_id", "id"),
)


# Each skill a provider lists, compared as `skill_key` does, so `provider list
# <skill>` finds its providers through an index, not by reading every listing.
provider_skills = Table(
    "provider_skills",
    metadata,
    Column("provider_id", Id, ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_key", String(80), primary_key=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Index("ix_provider_skills_skill", "community_id", "skill_key", "provider_id"),
)


agreements = Table(
    "agreements",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("provider_id", Id, ForeignKey("members.id"), nullable=False),
    Column("skill", String(80), nullable=False),
    Column("minutes_each", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("proposed_by", Id, ForeignKey("members.id"), nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("accepted_at", UtcDateTime),
    Column("expires_at", UtcDateTime),
    UniqueConstraint("community_id", "number", name="uq_agreements_number"),
    Index("ix_agreements_due", "status", "expires_at"),
    Index("ix_agreements_provider", "provider_id", "number"),
)


agreement_learners = Table(
    "agreement_learners",
    metadata,
    Column("agreement_id", Id, ForeignKey("agreements.id"), primary_key=True),
    Column("learner_id", Id, ForeignKey("members.id"), primary_key=True),
    # Whose vouchers pay: the learner's own, or a currency they hold; set on joining.
    Column("source_issuer_id", Id, ForeignKey("members.id")),
    Column("status", String(16), nullable=False),
    Column("escrow_account_id", Id, ForeignKey("accounts.id")),
    Column("assessor_id", Id, ForeignKey("members.id")),
    Column("evidence", String(500), nullable=False, server_default=""),
    Column("settled_at", UtcDateTime),
    # The order learners were named in, for stable listings.
    Column("position", Integer, nullable=False),
    Index("ix_agreement_learners_learner", "learner_id"),
)
