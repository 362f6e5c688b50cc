"""Auctions of voucher lots, on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.app import App
from tests.services.ledger_support import clean, held, outstanding, snapshot, totals
from tests.support import Community

PEOPLE = [
    ("alice", "Bournemouth, UK"),
    ("tina", "Lima, Peru"),
    ("bob", "Lagos, Nigeria"),
    ("carol", "Quito, Ecuador"),
]


async def _lot(community: Community, ends: str = "2026-12-01 10:00", reserve: str = "10") -> int:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @tina 3 tutoring")
    opened = await community.ok("tina", f'!auction open @alice 2 {reserve} gbp "{ends}"')
    return int(opened.outcome.reply.params["number"])


async def test_a_bid_war_with_the_extension_then_settlement(community: Community, app: App) -> None:
    number = await _lot(community)
    opened = await community.ok("tina", f"!auction info {number}")
    assert "2h of alice's hours from tina, reserve GBP 10.00, open" in opened.text
    assert await totals(app, "tina", "alice") == (120, 0, 0, 180)
    spend = await community.say("tina", "!voucher give @bob @alice 1h15m")
    assert spend.key == "voucher.not_enough"  # the lot is held

    first = await community.ok("bob", f"!auction bid {number} 5")
    assert "below the reserve of GBP 10.00" in first.text
    low = await community.say("carol", f"!auction bid {number} 5.50")
    assert low.key == "auction.too_low"
    assert "bid at least GBP 6.00" in low.text
    second = await community.ok("carol", f"!auction bid {number} 6")
    assert any(who == "member:bob" and "outbid you" in text for who, text in second.notices)
    mine = await community.say("carol", f"!auction bid {number} 20")
    assert mine.key == "auction.already_best"

    # Three minutes before the end a bid extends it by five.
    app.clock.advance(timedelta(minutes=57))
    late = await community.ok("bob", f"!auction bid {number} 12.50")
    assert "extends the auction by 5 minutes" in late.text
    assert "ends Tue 01 Dec 2026 10:05 UTC" in late.text
    app.clock.advance(timedelta(minutes=3))
    await app.core.run_due()  # 10:00: still open
    still = await community.ok("carol", f"!auction bid {number} 13.50")
    assert still.key == "auction.bid" and "10:05" in still.text
    app.clock.advance(timedelta(minutes=5))
    ended = await app.core.run_due()
    keys = sorted(n.reply.key for n in ended if n.reply.key.startswith("auction."))
    assert keys == ["auction.won_seller", "auction.won_winner"]
    after = await community.say("bob", f"!auction bid {number} 30")
    assert after.key == "auction.ended"
    assert await totals(app, "tina", "alice") == (120, 0, 0, 180)  # held until paid

    assert (await community.say("bob", f"!auction settle {number}")).key == "auction.not_seller"
    settled = await community.ok("tina", f"!auction settle {number}")
    assert "carol now holds 2h of alice's hours from auction" in settled.text
    assert "GBP 13.50" in settled.text
    assert await held(app, "carol", "alice") == 120
    assert await totals(app, "tina", "alice") == (0, 120, 0, 180)
    again = await community.say("tina", f"!auction settle {number}")
    assert again.key == "auction.cannot_settle_settled"
    assert (await community.ok("bob", "!auction list")).key == "auction.list_empty"
    await clean(app)


async def test_no_bid_at_the_reserve_returns_the_lot(community: Community, app: App) -> None:
    number = await _lot(community)
    await community.ok("bob", f"!auction bid {number} 4")
    listed = await community.ok("carol", "!auction list")
    assert "best bid GBP 4.00 by bob; reserve GBP 10.00; ends Tue 01 Dec 2026 10:00" in (
        listed.text
    )
    app.clock.advance(timedelta(hours=1))
    ended = await app.core.run_due()
    keys = sorted(n.reply.key for n in ended if n.reply.key.startswith("auction."))
    assert keys == ["auction.unsold_bidder", "auction.unsold_seller"]
    assert await totals(app, "tina", "alice") == (0, 0, 0, 180)
    assert (await community.say("tina", f"!auction settle {number}")).key == (
        "auction.cannot_settle_unsold"
    )
    await clean(app)


async def test_bad_auction_input_gets_a_clear_reply_and_changes_nothing(
    community: Community, app: App
) -> None:
    number = await _lot(community)
    await community.ok("bob", f"!auction bid {number} 5")
    cases = {
        ("carol", f"!auction bid {number} 5.99"): "auction.too_low",
        ("carol", f"!auction bid {number} 5"): "auction.too_low",
        ("carol", f"!auction bid {number} 0"): "money.positive",
        ("carol", f"!auction bid {number} -7"): "money.amount",
        ("carol", f"!auction bid {number} lots"): "money.amount",
        ("carol", f"!auction bid {number} 6.001"): "money.decimals",
        ("carol", f"!auction bid {number} 99999999999999"): "money.absurd",
        ("tina", f"!auction bid {number} 50"): "auction.own",
        ("carol", "!auction bid 999 6"): "auction.unknown",
        ("carol", f"!auction settle {number}"): "auction.not_seller",
        ("tina", f"!auction settle {number}"): "auction.cannot_settle_open",
        ("tina", f"!auction withdraw {number}"): "auction.cannot_withdraw",
        ("tina", '!auction open @tina 1 5 GBP "2026-12-01 12:00"'): "auction.own_hours",
        ("bob", '!auction open @alice 1 5 GBP "2026-12-01 12:00"'): "voucher.none_held",
        ("tina", '!auction open @alice 1h15m 5 GBP "2026-12-01 12:00"'): "voucher.not_enough",
        ("tina", '!auction open @alice 20m 5 GBP "2026-12-01 12:00"'): "voucher.amount_step",
        ("tina", '!auction open @alice 1 5 GBP "2026-12-01 09:02"'): "auction.too_soon",
        ("tina", '!auction open @alice 1 5 GBP "2026-11-30 12:00"'): "auction.too_soon",
        ("tina", '!auction open @alice 1 5 GBP "2027-06-01 12:00"'): "auction.too_far",
        ("tina", '!auction open @alice 1 5 pounds "2026-12-01 12:00"'): "money.currency",
        ("tina", '!auction open @alice 1 5.5.5 GBP "2026-12-01 12:00"'): "money.amount",
        ("tina", '!auction open @alice 1 5 GBP "tomorrow"'): "input.instant",
    }
    before = await snapshot(app)
    for (who, line), key in cases.items():
        said = await community.say(who, line)
        assert said.key == key, (line, said.text)
        assert said.private and "{" not in said.text, said.text
    assert await snapshot(app) == before
    app.clock.advance(timedelta(hours=1))
    await app.core.run_due()
    late = await community.say("carol", f"!auction bid {number} 50")
    assert late.key == "auction.ended"
    await clean(app)


async def test_only_members_in_good_standing_bid(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @tina 3 tutoring")
    # A year on, bob met none of his first year's obligations; newcomers are in their first.
    app.clock.advance(timedelta(days=370))
    opened = await community.ok("tina", '!auction open @alice 2 0 EUR "2027-12-10 12:00"')
    number = opened.outcome.reply.params["number"]
    before = await snapshot(app)
    refused = await community.say("bob", f"!auction bid {number} 3")
    assert refused.key == "auction.not_in_good_standing" and refused.private
    assert await snapshot(app) == before
    await community.people(("newcomer", "Oslo, Norway"))
    await community.ok("newcomer", f"!auction bid {number} 3")
    # A community that asks nothing of its members puts everyone in good standing.
    await community.ok("alice", "!admin settings attend_required 0")
    await community.ok("alice", "!admin settings host_required 0")
    await community.ok("bob", f"!auction bid {number} 4")


async def test_concurrent_equal_bids_accept_one(community: Community, app: App) -> None:
    number = await _lot(community, reserve="0")
    bidders = [f"b{i}" for i in range(10)]
    for name in bidders:
        await community.ok(name, "!profile show")
    results = await asyncio.gather(
        *(community.say(name, f"!auction bid {number} 7") for name in bidders)
    )
    keys = [r.key for r in results]
    assert keys.count("auction.bid") == 1
    assert keys.count("auction.too_low") == 9


async def test_an_auction_ends_exactly_once_with_two_workers(
    community: Community, app: App
) -> None:
    number = await _lot(community, reserve="0")
    await community.ok("bob", f"!auction bid {number} 1")
    app.clock.advance(timedelta(hours=2))
    results = await asyncio.gather(app.core.run_due(), app.core.run_due())
    keys = sorted(n.reply.key for batch in results for n in batch)
    assert keys.count("auction.won_winner") == 1
    assert keys.count("auction.won_seller") == 1
    await community.ok("tina", f"!auction settle {number}")
    assert await held(app, "bob", "alice") == 120
    await clean(app)


async def test_withdrawing_a_lot(community: Community, app: App) -> None:
    number = await _lot(community, reserve="0")
    withdrawn = await community.ok("tina", f"!auction withdraw {number}")
    assert withdrawn.key == "auction.withdrawn"
    assert await totals(app, "tina", "alice") == (0, 0, 0, 180)
    again = await community.ok("tina", '!auction open @alice 3 0 gbp "2026-12-01 10:00"')
    second = again.outcome.reply.params["number"]
    await community.ok("alice", f"!auction bid {second} 2")
    app.clock.advance(timedelta(hours=1))
    await app.core.run_due()
    # alice won her own hours back but never paid: tina takes the lot back.
    unpaid = await community.ok("tina", f"!auction withdraw {second}")
    assert any(who == "member:alice" for who, _ in unpaid.notices)
    assert await totals(app, "tina", "alice") == (0, 0, 0, 180)
    assert await outstanding(app, "alice") == 180
    await clean(app)


async def test_buying_back_your_own_hours_retires_them(community: Community, app: App) -> None:
    number = await _lot(community, reserve="1")
    await community.ok("alice", f"!auction bid {number} 2")
    app.clock.advance(timedelta(hours=1))
    await app.core.run_due()
    await community.ok("tina", f"!auction settle {number}")
    assert await outstanding(app, "alice") == 60
    assert await held(app, "tina", "alice") == 60
    await clean(app)


async def test_the_auction_list_comes_in_pages_with_the_best_bids(
    community: Community, app: App
) -> None:
    from tests.services.test_core_perf_rules import statements

    first_lot = await _lot(community, ends="2026-12-01 12:00")
    await community.ok("alice", "!voucher issue @bob 3 tutoring")
    second_lot = int(
        (
            await community.ok("bob", '!auction open @alice 1 5 usd "2026-12-01 11:00"')
        ).outcome.reply.params["number"]
    )
    await community.ok("carol", f"!auction bid {first_lot} 11")
    await community.ok("bob", f"!auction bid {first_lot} 12")
    await community.ok("alice", "!admin settings page_size 1")
    with statements(app) as seen:
        soonest = await community.ok("carol", "!auction list")
    # One statement reads the page with its names and best bids, however many lots.
    assert len([s for s in seen if "auctions" in s]) == 1
    assert f"- #{second_lot}: 1h of alice's hours from bob; no bids yet" in soonest.text
    assert "`!auction list 2`" in soonest.text
    later = await community.ok("carol", "!auction list 2")
    assert f"- #{first_lot}: 2h of alice's hours from tina; best bid GBP 12.00 by bob" in later.text
    assert "More" not in later.text
    beyond = await community.say("carol", "!auction list 3")
    assert beyond.key == "page.past_end"
    await clean(app)
