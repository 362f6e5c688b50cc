"""ledger: accounts, transfers, redemptions, providers, agreements, auctions

Revision ID: 0003_ledger
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.tables.base

revision = "0003_ledger"
down_revision = "0001"
branch_labels = ("ledger",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "issuer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ref", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("debits_pending", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("debits_posted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("credits_pending", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("credits_posted", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("services", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint(
            "kind = 'issuer' OR debits_posted + debits_pending <= credits_posted",
            name=op.f("ck_accounts_not_overdrawn"),
        ),
        sa.CheckConstraint(
            "debits_pending >= 0 AND credits_pending >= 0", name=op.f("ck_accounts_pending_whole")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_accounts_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["members.id"], name=op.f("fk_accounts_issuer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["members.id"], name=op.f("fk_accounts_owner_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("issuer_id", "owner_id", "kind", "ref", name="uq_accounts_owner"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_owner", ["owner_id"], unique=False)

    op.create_table(
        "agreements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "provider_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("skill", sa.String(length=80), nullable=False),
        sa.Column("minutes_each", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "proposed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("proposed_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", storage.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", storage.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_agreements_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["members.id"], name=op.f("fk_agreements_proposed_by_members")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["members.id"], name=op.f("fk_agreements_provider_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("community_id", "number", name="uq_agreements_number"),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index("ix_agreements_due", ["status", "expires_at"], unique=False)

    op.create_table(
        "providers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("skills", sa.String(length=200), nullable=False),
        sa.Column("terms_minutes", sa.Integer(), nullable=False),
        sa.Column("guarantee", sa.String(length=500), server_default="", nullable=False),
        sa.Column("registered_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_providers_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_providers_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("community_id", "member_id", name="uq_providers_member"),
    )
    op.create_table(
        "agreement_learners",
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "source_issuer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "escrow_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "assessor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("evidence", sa.String(length=500), server_default="", nullable=False),
        sa.Column("settled_at", storage.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_learners_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["members.id"], name=op.f("fk_agreement_learners_assessor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["escrow_account_id"],
            ["accounts.id"],
            name=op.f("fk_agreement_learners_escrow_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["members.id"], name=op.f("fk_agreement_learners_learner_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["source_issuer_id"],
            ["members.id"],
            name=op.f("fk_agreement_learners_source_issuer_id_members"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", "learner_id", name=op.f("pk_agreement_learners")),
    )
    op.create_table(
        "transfers",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "debit_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "credit_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("pending_id", sa.String(length=32), nullable=True),
        sa.Column("at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("memo", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_transfers_amount_positive")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_transfers_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["credit_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfers_credit_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"],
            ["accounts.id"],
            name=op.f("fk_transfers_debit_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["pending_id"], ["transfers.id"], name=op.f("fk_transfers_pending_id_transfers")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_transfers")),
        sa.UniqueConstraint("id", name=op.f("uq_transfers_id")),
        sa.UniqueConstraint("pending_id", name=op.f("uq_transfers_pending_id")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index("ix_transfers_credit", ["credit_account_id", "seq"], unique=False)
        batch_op.create_index("ix_transfers_debit", ["debit_account_id", "seq"], unique=False)

    op.create_table(
        "auctions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "issuer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reserve", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opened_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hold_id", sa.String(length=32), nullable=False),
        sa.Column(
            "lot_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("winner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", storage.tables.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_auctions_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["transfers.id"], name=op.f("fk_auctions_hold_id_transfers")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["members.id"], name=op.f("fk_auctions_issuer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["lot_account_id"], ["accounts.id"], name=op.f("fk_auctions_lot_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["members.id"], name=op.f("fk_auctions_seller_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["winner_id"], ["members.id"], name=op.f("fk_auctions_winner_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auctions")),
        sa.UniqueConstraint("community_id", "number", name="uq_auctions_number"),
    )
    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.create_index("ix_auctions_due", ["status", "ends_at"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "community_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "holder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "issuer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hold_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "resolved_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_redemptions_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["transfers.id"], name=op.f("fk_redemptions_hold_id_transfers")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["members.id"], name=op.f("fk_redemptions_holder_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["members.id"], name=op.f("fk_redemptions_issuer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["members.id"], name=op.f("fk_redemptions_resolved_by_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemptions")),
        sa.UniqueConstraint("community_id", "number", name="uq_redemptions_number"),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index("ix_redemptions_issuer", ["issuer_id", "status"], unique=False)

    op.create_table(
        "bids",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "auction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "bidder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("at", storage.tables.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["auction_id"], ["auctions.id"], name=op.f("fk_bids_auction_id_auctions")
        ),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["members.id"], name=op.f("fk_bids_bidder_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index("ix_bids_auction", ["auction_id", "amount"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_index("ix_bids_auction")

    op.drop_table("bids")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_redemptions_issuer")

    op.drop_table("redemptions")
    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.drop_index("ix_auctions_due")

    op.drop_table("auctions")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_debit")
        batch_op.drop_index("ix_transfers_credit")

    op.drop_table("transfers")
    op.drop_table("agreement_learners")
    op.drop_table("providers")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index("ix_agreements_due")

    op.drop_table("agreements")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_owner")

    op.drop_table("accounts")
