"""Auctions and bids."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from storage.tables.base import Id, UtcDateTime, metadata

auctions = Table(
    "auctions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("community_id", Id, ForeignKey("communities.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("seller_id", Id, ForeignKey("members.id"), nullable=False),
    Column("issuer_id", Id, ForeignKey("members.id"), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("reserve", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("hold_id", String(32), ForeignKey("transfers.id"), nullable=False),
    Column("lot_account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("winner_id", Id, ForeignKey("members.id")),
    Column("price", BigInteger),
    Column("closed_at", UtcDateTime),
    UniqueConstraint("community_id", "number", name="uq_auctions_number"),
    Index("ix_auctions_due", "status", "ends_at"),
    Index("ix_auctions_listed", "community_id", "status", "ends_at", "number"),
)


bids = Table(
    "bids",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("auction_id", Id, ForeignKey("auctions.id"), nullable=False),
    Column("bidder_id", Id, ForeignKey("members.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_bids_auction", "auction_id", "amount"),
)
