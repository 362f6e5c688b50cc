"""Tables for the voucher ledger, redemptions, agreements and auctions."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from storage.tables.base import Id, UtcDateTime, metadata

# One currency per issuer; each account holds one currency for one owner.
# The totals are a cache of the transfers, kept in the same transaction.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("issuer_id", Id, ForeignKey("members.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("owner_id", Id, ForeignKey("members.id"), nullable=False),
    # The agreement (by id) or auction (by number) an escrow or lot account
    # belongs to; 0 otherwise.
    Column("ref", BigInteger, nullable=False, server_default="0"),
    Column("debits_pending", BigInteger, nullable=False, server_default="0"),
    Column("debits_posted", BigInteger, nullable=False, server_default="0"),
    Column("credits_pending", BigInteger, nullable=False, server_default="0"),
    Column("credits_posted", BigInteger, nullable=False, server_default="0"),
    # On an issuer's account: what their hours may be redeemed for.
    Column("services", String(200), nullable=False, server_default=""),
    UniqueConstraint("issuer_id", "owner_id", "kind", "ref", name="uq_accounts_owner"),
    Index("ix_accounts_owner", "owner_id"),
    # The database refuses an overdrawn holding even if the code were wrong.
    CheckConstraint(
        "kind = 'issuer' OR debits_posted + debits_pending <= credits_posted",
        name="not_overdrawn",
    ),
    CheckConstraint("debits_pending >= 0 AND credits_pending >= 0", name="pending_whole"),
)

# Immutable: rows are only ever inserted.
transfers = Table(
    "transfers",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    # Derived from the command key (or due job) and the transfer's place in it.
    Column("id", String(32), nullable=False, unique=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("debit_account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("credit_account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("code", String(16), nullable=False),
    Column("flag", String(16), nullable=False),
    # Unique: a pending transfer is posted or voided exactly once.
    Column("pending_id", String(32), ForeignKey("transfers.id"), unique=True),
    Column("at", UtcDateTime, nullable=False),
    Column("memo", String(200), nullable=False, server_default=""),
    # Who owns each side's account, copied on insert (an account never changes
    # owner), so a member's history is read newest first from an index on each
    # side, however many accounts they have.
    Column("debit_owner_id", Id),
    Column("credit_owner_id", Id),
    Index("ix_transfers_debit", "debit_account_id", "seq"),
    Index("ix_transfers_credit", "credit_account_id", "seq"),
    Index("ix_transfers_debit_owner", "debit_owner_id", "seq"),
    Index("ix_transfers_credit_owner", "credit_owner_id", "seq"),
    CheckConstraint("amount > 0", name="amount_positive"),
)

redemptions = Table(
    "redemptions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("holder_id", Id, ForeignKey("members.id"), nullable=False),
    Column("issuer_id", Id, ForeignKey("members.id"), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("service", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("hold_id", String(32), ForeignKey("transfers.id"), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resolved_by", Id, ForeignKey("members.id")),
    UniqueConstraint("community_id", "number", name="uq_redemptions_number"),
    # A member's redemptions by status, in the order they settled: one index each
    # for the issuer's side and the holder's.
    Index("ix_redemptions_issuer", "issuer_id", "status", "updated_at"),
    Index("ix_redemptions_holder", "holder_id", "status", "updated_at"),
)
