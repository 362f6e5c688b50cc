"""indexes for what members read; provider skills; the owners on each transfer

Every list a member reads is filtered, ordered and paged in SQL, and each of
those statements has an index to walk: a member's ballots, redemptions and
agreements, upcoming events from now, live auctions, providers by skill, and a
member's transfers newest first on either side.

Revision ID: 0008_member_reads
Revises: 0006_credentials
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0008_member_reads"
down_revision = "0006_credentials"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_INDEXES = (
    ("review_ballots", "ix_review_ballots_member", ["member_id", "cast_at"]),
    ("redemptions", "ix_redemptions_holder", ["holder_id", "status", "updated_at"]),
    ("agreements", "ix_agreements_provider", ["provider_id", "number"]),
    ("agreement_learners", "ix_agreement_learners_learner", ["learner_id"]),
    ("events", "ix_events_upcoming", ["community_id", "status", "starts_at", "id"]),
    ("events", "ix_events_circle_upcoming", ["circle_id", "status", "starts_at", "id"]),
    ("auctions", "ix_auctions_listed", ["community_id", "status", "ends_at", "number"]),
    ("providers", "ix_providers_community", ["community_id", "id"]),
    ("transfers", "ix_transfers_debit_owner", ["debit_owner_id", "seq"]),
    ("transfers", "ix_transfers_credit_owner", ["credit_owner_id", "seq"]),
)

# As bot/model/agreements.py splits and compares skills, kept here as it was when
# this revision was written.
_SPLIT = re.compile(r"[,;]")


def _skill_keys(text: str) -> set[str]:
    return {" ".join(part.casefold().split()) for part in _SPLIT.split(text)} - {""}


def upgrade() -> None:
    op.create_table(
        "provider_skills",
        sa.Column("provider_id", _ID, nullable=False),
        sa.Column("skill_key", sa.String(length=80), nullable=False),
        sa.Column("community_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_provider_skills_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_skills_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("provider_id", "skill_key", name=op.f("pk_provider_skills")),
    )
    op.create_index(
        "ix_provider_skills_skill",
        "provider_skills",
        ["community_id", "skill_key", "provider_id"],
        unique=False,
    )
    bind = op.get_bind()
    providers = bind.execute(sa.text("SELECT id, community_id, skills FROM providers")).all()
    rows = [
        {"provider_id": p.id, "skill_key": key[:80], "community_id": p.community_id}
        for p in providers
        for key in sorted(_skill_keys(p.skills))
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO provider_skills (provider_id, skill_key, community_id) "
                "VALUES (:provider_id, :skill_key, :community_id)"
            ),
            rows,
        )

    # Copies of each side's account owner; SQLite adds nullable columns in place.
    op.add_column("transfers", sa.Column("debit_owner_id", _ID, nullable=True))
    op.add_column("transfers", sa.Column("credit_owner_id", _ID, nullable=True))
    for side in ("debit", "credit"):
        op.execute(
            f"UPDATE transfers SET {side}_owner_id = "
            f"(SELECT owner_id FROM accounts WHERE accounts.id = transfers.{side}_account_id)"
        )

    # The issuer's side gains the settling time, as the holder's has it.
    op.drop_index("ix_redemptions_issuer", table_name="redemptions")
    op.create_index(
        "ix_redemptions_issuer",
        "redemptions",
        ["issuer_id", "status", "updated_at"],
        unique=False,
    )
    for table, name, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_redemptions_issuer", table_name="redemptions")
    op.create_index("ix_redemptions_issuer", "redemptions", ["issuer_id", "status"], unique=False)
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("credit_owner_id")
        batch.drop_column("debit_owner_id")
    op.drop_index("ix_provider_skills_skill", table_name="provider_skills")
    op.drop_table("provider_skills")
