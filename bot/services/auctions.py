"""Auctions: a holder offers hours of one currency for pledges of money.

The lot is held by a pending transfer while the auction runs. Due work ends
it: with a bid at or above the reserve the winner pays outside Junto and the
seller settles, which posts the hold and moves the lot to the winner in one
batch; with no such bid the hold is voided and the lot goes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg, page_params
from bot.errors import DomainError
from bot.jobs import Host, Sweep, address, sweep
from bot.model import auctions as rules
from bot.model import ledger as L
from bot.model.auctions import Auction, Listing, format_money
from bot.model.ledger import AccountKey, Transfer
from bot.model.members import Member
from bot.model.settings import Settings
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import Notice, Reply, instant, nested
from bot.services.ledger import Book, amount, book, hours
from bot.services.obligations import in_good_standing


def _lot(auction_issuer: int, seller: int, number: int) -> AccountKey:
    return AccountKey(auction_issuer, L.LOT, seller, number)


async def _auction(ctx: Ctx, number: int, *, lock: bool = False) -> Auction:
    found = await ctx.uow.auctions.get(ctx.community.id, number, lock=lock)
    if found is None:
        raise DomainError("auction.unknown", number=number)
    return found


def _money(minor: int, auction: Auction) -> str:
    return format_money(minor, auction.currency)


async def open_auction(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    issuer: Member = args["issuer"]
    minutes = amount(args)
    currency = rules.currency_code(args["currency"])
    reserve = rules.parse_money(args["reserve"], currency, allow_zero=True)
    ends: datetime = args["ends"]
    me = ctx.member.id
    if issuer.id == me:
        raise DomainError("auction.own_hours")
    if ends < ctx.now + rules.SHORTEST:
        raise DomainError("auction.too_soon", ends=instant(ends), now=instant(ctx.now))
    if ends > ctx.now + rules.LONGEST:
        raise DomainError("auction.too_far", ends=instant(ends), days=rules.LONGEST.days)
    held = await ctx.uow.ledger.find(L.holding_key(issuer.id, me))
    if held is None or held.balance <= 0:
        raise DomainError("voucher.none_held", issuer=issuer.display_name)
    number = await ctx.uow.communities.next_number(ctx.community.id)
    ledger = book(ctx)
    source, lot = L.holding_key(issuer.id, me), _lot(issuer.id, me, number)
    accounts = await ledger.accounts(source, lot)
    hold = Transfer(
        ledger.next_id(),
        accounts[source].id,
        accounts[lot].id,
        minutes,
        L.LOT_HOLD,
        L.PENDING,
        memo=f"auction #{number}",
    )
    await ledger.execute([hold])
    await ctx.uow.auctions.create(
        ctx.community.id,
        number,
        me,
        issuer.id,
        minutes,
        reserve,
        currency,
        ends,
        hold.id,
        accounts[lot].id,
        ctx.now,
    )
    return Reply(
        "auction.opened",
        {
            "number": number,
            "seller": ctx.member.display_name,
            "hours": hours(minutes),
            "issuer": issuer.display_name,
            "reserve": format_money(reserve, currency),
            "currency": currency,
            "ends": instant(ends),
            "increment": format_money(int(ctx.settings["auction_increment"]), currency),
        },
    )


async def bid(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    # Locked so two bids can't both beat the same best, nor slip past the end.
    auction = await _auction(ctx, args["auction"], lock=True)
    me = ctx.member.id
    if auction.status != rules.OPEN or ctx.now >= auction.ends_at:
        raise DomainError("auction.ended", number=auction.number, ends=instant(auction.ends_at))
    if auction.seller_id == me:
        raise DomainError("auction.own", number=auction.number)
    if not await in_good_standing(ctx, ctx.member):
        raise DomainError("auction.not_in_good_standing", number=auction.number)
    pledge = rules.parse_money(args["amount"], auction.currency)
    bids = await ctx.uow.auctions.bids(auction.id)
    top = rules.best(bids)
    if top is not None and top.bidder_id == me:
        raise DomainError(
            "auction.already_best", number=auction.number, best=_money(top.amount, auction)
        )
    increment = int(ctx.settings["auction_increment"])
    minimum = rules.minimum_bid(bids, increment)
    if pledge < minimum:
        raise DomainError(
            "auction.too_low",
            number=auction.number,
            amount=_money(pledge, auction),
            best=_money(top.amount, auction) if top else "-",
            increment=_money(increment, auction),
            minimum=_money(minimum, auction),
        )
    await ctx.uow.auctions.add_bid(auction.id, me, pledge, ctx.now)
    extension = timedelta(minutes=int(ctx.settings["auction_extension"]))
    ends = rules.ends_after_bid(auction.ends_at, ctx.now, extension)
    if ends != auction.ends_at:
        await ctx.uow.auctions.extend(auction.id, ends)
    names = await ctx.uow.ledger.names([auction.issuer_id, auction.seller_id])
    params = {
        "number": auction.number,
        "bidder": ctx.member.display_name,
        "amount": _money(pledge, auction),
        "hours": hours(auction.minutes),
        "issuer": names[auction.issuer_id],
        "ends": instant(ends),
    }
    if top is not None:
        ctx.tell_member(top.bidder_id, Reply("auction.outbid", params))
    extended = (
        nested("auction.extended", minutes=extension.seconds // 60)
        if ends != (auction.ends_at)
        else ""
    )
    reserve = (
        nested("auction.below_reserve", reserve=_money(auction.reserve, auction))
        if pledge < auction.reserve
        else ""
    )
    return Reply("auction.bid", {**params, "extended": extended, "reserve": reserve})


async def settle(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    auction = await _auction(ctx, args["auction"], lock=True)
    if auction.seller_id != ctx.member.id:
        raise DomainError("auction.not_seller", number=auction.number)
    if auction.status != rules.WON:
        raise DomainError(
            f"auction.cannot_settle_{auction.status}",
            number=auction.number,
            ends=instant(auction.ends_at),
        )
    assert auction.winner_id is not None and auction.price is not None
    ledger = book(ctx)
    lot = _lot(auction.issuer_id, auction.seller_id, auction.number)
    target = L.receiving_key(auction.issuer_id, auction.winner_id)
    accounts = await ledger.accounts(lot, target)
    hold = (await ctx.uow.ledger.transfers([auction.hold_id]))[auction.hold_id]
    # The hold is posted and the lot passed on together, or neither.
    await ledger.execute(
        [
            L.resolve(ledger.next_id(), hold, L.POST),
            Transfer(
                ledger.next_id(),
                accounts[lot].id,
                accounts[target].id,
                auction.minutes,
                L.SALE,
                memo=f"auction #{auction.number}",
            ),
        ]
    )
    await ctx.uow.auctions.close(
        auction.id, rules.SETTLED, ctx.now, auction.winner_id, auction.price
    )
    names = await ctx.uow.ledger.names([auction.issuer_id, auction.winner_id])
    params = {
        "number": auction.number,
        "seller": ctx.member.display_name,
        "winner": names[auction.winner_id],
        "hours": hours(auction.minutes),
        "issuer": names[auction.issuer_id],
        "price": _money(auction.price, auction),
    }
    ctx.tell_member(auction.winner_id, Reply("auction.settled_winner", params))
    return Reply("auction.settled", params)


async def withdraw(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    """The seller takes the lot back: before any bid, or when the winner never paid."""
    auction = await _auction(ctx, args["auction"], lock=True)
    if auction.seller_id != ctx.member.id:
        raise DomainError("auction.not_seller", number=auction.number)
    bids = await ctx.uow.auctions.bids(auction.id)
    if not (auction.status == rules.WON or (auction.status == rules.OPEN and not bids)):
        raise DomainError(
            "auction.cannot_withdraw",
            number=auction.number,
            status={"$key": f"auction.status_{auction.status}"},
        )
    await _return_lot(ctx.uow, book(ctx), auction, ctx.now)
    params = {"number": auction.number, "seller": ctx.member.display_name}
    if auction.winner_id is not None:
        ctx.tell_member(auction.winner_id, Reply("auction.withdrawn_winner", params))
    return Reply("auction.withdrawn", params)


async def _return_lot(uow: UnitOfWork, ledger: Book, auction: Auction, now: datetime) -> None:
    hold = (await uow.ledger.transfers([auction.hold_id]))[auction.hold_id]
    await ledger.execute([L.resolve(ledger.next_id(), hold, L.VOID)])
    await uow.auctions.close(auction.id, rules.UNSOLD, now)


# Looking.


def _line(listing: Listing) -> Any:
    auction = listing.auction
    return nested(
        "auction.list_line",
        number=auction.number,
        hours=hours(auction.minutes),
        issuer=listing.issuer,
        seller=listing.seller,
        best=nested(
            "auction.best", amount=_money(listing.best, auction), bidder=listing.bidder or "?"
        )
        if listing.best is not None
        else {"$key": "auction.no_bids"},
        reserve=_money(auction.reserve, auction),
        state=nested("auction.ends", ends=instant(auction.ends_at))
        if auction.status == rules.OPEN
        else {"$key": "auction.awaiting_payment"},
    )


async def list_auctions(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    page = ctx.page(args)
    found = await ctx.uow.auctions.listings(ctx.community.id, page.offset, page.limit)
    shown, more = page.rows(found, "auction list")
    if not shown:
        return Reply("auction.list_empty")
    return Reply(
        "auction.list",
        {"lines": [_line(x) for x in shown], **page_params(page, more, "auction list")},
    )


async def info(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    if args.get("auction") is None:
        return await list_auctions(ctx, args)
    auction = await _auction(ctx, args["auction"])
    bids = await ctx.uow.auctions.bids(auction.id)
    names = await ctx.uow.ledger.names(
        [auction.issuer_id, auction.seller_id, *(b.bidder_id for b in bids)]
    )
    recent = [
        nested(
            "auction.info_bid",
            bidder=names[b.bidder_id],
            amount=_money(b.amount, auction),
            at=instant(b.at),
        )
        for b in sorted(bids, key=lambda b: -b.id)[:10]
    ]
    return Reply(
        "auction.info",
        {
            "number": auction.number,
            "hours": hours(auction.minutes),
            "issuer": names[auction.issuer_id],
            "seller": names[auction.seller_id],
            "reserve": _money(auction.reserve, auction),
            "status": {"$key": f"auction.status_{auction.status}"},
            "ends": instant(auction.ends_at),
            "bids": recent or [nested("auction.no_bids")],
        },
    )


# Due work: auctions past their end close, exactly once.


async def end_auctions(core: Host) -> list[Notice]:
    return await sweep(core, lambda uow, now: uow.auctions.due(now, 50), _end_one)


async def _end_one(
    core: Host, community_id: int, auction_id: int, now: datetime
) -> list[Notice] | None:
    async with core.uow_factory() as uow:
        auction = await uow.auctions.by_id(auction_id, lock=True, skip_locked=True)
        # Another process holds it, it ended already, or a last bid extended it.
        if auction is None or auction.status != rules.OPEN or auction.ends_at > now:
            return None
        settings = Settings(core.defaults, await uow.settings.stored(community_id))
        bids = await uow.auctions.bids(auction.id)
        won = rules.winner(bids, auction.reserve)
        names = await uow.ledger.names(
            [auction.issuer_id, auction.seller_id, *(b.bidder_id for b in bids)]
        )
        params: dict[str, Any] = {
            "number": auction.number,
            "hours": hours(auction.minutes),
            "issuer": names[auction.issuer_id],
            "seller": names[auction.seller_id],
            "reserve": _money(auction.reserve, auction),
        }
        notices: list[Notice] = []
        if won is not None:
            await uow.auctions.close(auction.id, rules.WON, now, won.bidder_id, won.amount)
            params.update(winner=names[won.bidder_id], price=_money(won.amount, auction))
            notices.append(Notice(Reply("auction.won_winner", params), won.bidder_id))
            notices.append(Notice(Reply("auction.won_seller", params), auction.seller_id))
        else:
            ledger = Book(uow, community_id, settings, f"auction-end:{auction.id}", now)
            await _return_lot(uow, ledger, auction, now)
            notices.append(Notice(Reply("auction.unsold_seller", params), auction.seller_id))
            for bidder in sorted({b.bidder_id for b in bids}):
                notices.append(Notice(Reply("auction.unsold_bidder", params), bidder))
        slug = (await uow.jobs.community(community_id)).slug
        result = [await address(uow, settings.timezone, n, slug) for n in notices]
        await uow.commit()
        return result


_AUCTION = Arg("auction", Kind.NUMBER, "the auction's number, like 12 or #12")

SWEEPS: list[Sweep] = [end_auctions]

COMMANDS = [
    Command(
        "auction open",
        (
            Arg("issuer", Kind.MEMBER, "whose hours you offer"),
            Arg("hours", Kind.DURATION, "how many of them, in quarter hours"),
            Arg("reserve", Kind.TEXT, "the lowest price you accept, e.g. 12.50 (0 for none)"),
            Arg("currency", Kind.TEXT, "a 3-letter currency code, e.g. GBP", max_length=8),
            Arg("ends", Kind.INSTANT, "when bidding ends, e.g. 2026-12-01 18:00 (your zone)"),
        ),
        "auction hours you hold; they are set aside until the auction ends",
        Who.MEMBER,
        open_auction,
        changes_badge_facts=False,
    ),
    Command(
        "auction bid",
        (_AUCTION, Arg("amount", Kind.TEXT, "your pledge in the auction's currency, e.g. 15")),
        "pledge money for a lot; members in good standing only",
        Who.MEMBER,
        bid,
        changes_badge_facts=False,
    ),
    Command(
        "auction list",
        (page_arg(),),
        "auctions running or awaiting payment",
        Who.ANYONE,
        list_auctions,
        changes=False,
    ),
    Command(
        "auction info",
        (Arg("auction", Kind.NUMBER, "the auction's number (default: all)", required=False),),
        "one auction with its latest bids",
        Who.ANYONE,
        info,
        changes=False,
    ),
    Command(
        "auction settle",
        (_AUCTION,),
        "confirm the winner paid you; the lot moves to them",
        Who.MEMBER,
        settle,
        changes_badge_facts=False,
    ),
    Command(
        "auction withdraw",
        (_AUCTION,),
        "take your lot back: before any bid, or when the winner never paid",
        Who.MEMBER,
        withdraw,
        changes_badge_facts=False,
    ),
]
