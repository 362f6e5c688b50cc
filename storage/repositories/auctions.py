"""Auctions and bids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, select, update
from sqlalchemy.orm import aliased

from bot.model import auctions as au
from bot.model.auctions import Auction, Bid, Listing
from storage.repositories.base import Repository
from storage.tables import auctions as auctions_t
from storage.tables import members as members_t


def _auction(row: Row[Any]) -> Auction:
    return Auction(
        id=row.id,
        community_id=row.community_id,
        number=row.number,
        seller_id=row.seller_id,
        issuer_id=row.issuer_id,
        minutes=row.minutes,
        reserve=row.reserve,
        currency=row.currency,
        opened_at=row.opened_at,
        ends_at=row.ends_at,
        status=row.status,
        hold_id=row.hold_id,
        lot_account_id=row.lot_account_id,
        winner_id=row.winner_id,
        price=row.price,
        closed_at=row.closed_at,
    )


_x, _b, _m = auctions_t.auctions, auctions_t.bids, members_t.members
# A page of the auctions running or awaiting payment, soonest end first, each with
# its best bid's id found through the bids' index; only then the names and the bid.
_by_end = (_x.c.ends_at, _x.c.number)
_BEST_ID = (
    select(_b.c.id)
    .where(_b.c.auction_id == _x.c.id)
    .order_by(_b.c.amount.desc(), _b.c.id)
    .limit(1)
    .scalar_subquery()
)
_PAGE = (
    select(_x, _BEST_ID.label("best_id"))
    .where(_x.c.community_id == bindparam("community_id"), _x.c.status.in_((au.OPEN, au.WON)))
    .order_by(*_by_end)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    .subquery("page")
)
_issuer, _seller, _bidder = (aliased(_m, name=n) for n in ("issuer", "seller", "bidder"))
_best = aliased(_b, name="best")
_LISTINGS = (
    select(
        _PAGE,
        _issuer.c.display_name.label("issuer_name"),
        _seller.c.display_name.label("seller_name"),
        _best.c.amount.label("best_amount"),
        _bidder.c.display_name.label("bidder_name"),
    )
    .join(_issuer, _issuer.c.id == _PAGE.c.issuer_id)
    .join(_seller, _seller.c.id == _PAGE.c.seller_id)
    .outerjoin(_best, _best.c.id == _PAGE.c.best_id)
    .outerjoin(_bidder, _bidder.c.id == _best.c.bidder_id)
    .order_by(_PAGE.c.ends_at, _PAGE.c.number)
)


class SqlAuctions(Repository):
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
    ) -> Auction:
        values: dict[str, Any] = {
            "community_id": community_id,
            "number": number,
            "seller_id": seller_id,
            "issuer_id": issuer_id,
            "minutes": minutes,
            "reserve": reserve,
            "currency": currency,
            "opened_at": now,
            "ends_at": ends_at,
            "status": au.OPEN,
            "hold_id": hold_id,
            "lot_account_id": lot_account_id,
        }
        result = await self._exec(
            auctions_t.auctions.insert().values(values).returning(auctions_t.auctions.c.id)
        )
        return Auction(id=int(result.scalar_one()), **values)

    async def get(self, community_id: int, number: int, *, lock: bool = False) -> Auction | None:
        x = auctions_t.auctions
        query = select(x).where(x.c.community_id == community_id, x.c.number == number)
        row = (await self._exec(self._for_update(query) if lock else query)).first()
        return _auction(row) if row else None

    async def by_id(
        self, auction_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> Auction | None:
        x = auctions_t.auctions
        query = select(x).where(x.c.id == auction_id)
        if lock:
            query = self._claim(query, skip_locked)
        row = (await self._exec(query)).first()
        return _auction(row) if row else None

    async def listed(self, community_id: int) -> list[Auction]:
        x = auctions_t.auctions
        rows = await self._exec(
            select(x)
            .where(x.c.community_id == community_id, x.c.status.in_([au.OPEN, au.WON]))
            .order_by(x.c.ends_at, x.c.number)
        )
        return [_auction(r) for r in rows]

    async def listings(self, community_id: int, offset: int, limit: int) -> list[Listing]:
        rows = await self._exec(
            _LISTINGS, {"community_id": community_id, "offset": offset, "limit": limit}
        )
        return [
            Listing(_auction(r), r.issuer_name, r.seller_name, r.best_amount, r.bidder_name)
            for r in rows
        ]

    async def bids(self, auction_id: int) -> list[Bid]:
        b = auctions_t.bids
        rows = await self._exec(select(b).where(b.c.auction_id == auction_id).order_by(b.c.id))
        return [Bid(r.id, r.auction_id, r.bidder_id, r.amount, r.at) for r in rows]

    async def add_bid(self, auction_id: int, bidder_id: int, amount: int, now: datetime) -> Bid:
        result = await self._exec(
            auctions_t.bids.insert()
            .values(auction_id=auction_id, bidder_id=bidder_id, amount=amount, at=now)
            .returning(auctions_t.bids.c.id)
        )
        return Bid(int(result.scalar_one()), auction_id, bidder_id, amount, now)

    async def extend(self, auction_id: int, ends_at: datetime) -> None:
        x = auctions_t.auctions
        await self._exec(update(x).where(x.c.id == auction_id).values(ends_at=ends_at))

    async def close(
        self,
        auction_id: int,
        status: str,
        now: datetime,
        winner_id: int | None = None,
        price: int | None = None,
    ) -> None:
        x = auctions_t.auctions
        values: dict[str, Any] = {"status": status, "closed_at": now}
        if winner_id is not None:
            values.update(winner_id=winner_id, price=price)
        await self._exec(update(x).where(x.c.id == auction_id).values(**values))

    async def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        x = auctions_t.auctions
        rows = await self._exec(
            select(x.c.community_id, x.c.id)
            .where(and_(x.c.status == au.OPEN, x.c.ends_at <= now))
            .order_by(x.c.ends_at, x.c.id)
            .limit(limit)
        )
        return [(r.community_id, r.id) for r in rows]
