"""Auctions and bids."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.model.auctions import Auction, Bid, Listing


class AuctionRepository(Protocol):
    async def create(
        self,
        community_id: int,
        number: int,
        seller_id: int,
        issuer_id: int,
        minutes: int,
        reserve: int,
        currency: str,
        ends_at: datetime,
        hold_id: str,
        lot_account_id: int,
        now: datetime,
    ) -> Auction: ...

    async def get(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Auction | None: ...

    async def by_id(
        self, auction_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> Auction | None: ...

    async def listed(self, community_id: int) -> list[Auction]:
        """Auctions still running or waiting for payment."""
        ...

    async def listings(self, community_id: int, offset: int, limit: int) -> list[Listing]:
        """A page of `listed`, each auction with its names and best bid."""
        ...

    async def bids(self, auction_id: int) -> list[Bid]: ...

    async def add_bid(self, auction_id: int, bidder_id: int, amount: int, now: datetime) -> Bid: ...

    async def extend(self, auction_id: int, ends_at: datetime) -> None: ...

    async def close(
        self,
        auction_id: int,
        status: str,
        now: datetime,
        winner_id: int | None = None,
        price: int | None = None,
    ) -> None: ...

    async def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(community id, auction id) of open auctions past their end."""
        ...
