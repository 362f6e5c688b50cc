"""Vouchers on both engines: issue, give, balances, history, redemption, replays."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.app import App
from bot.model import ledger as L
from bot.model.ledger import Invalid, Transfer
from bot.model.settings import Settings
from bot.ports.unit_of_work import Duplicate
from bot.services.ledger import Book
from storage.tables import ledger as ledger_t
from storage.unit_of_work import SqlUnitOfWork
from tests.services.ledger_support import clean, held, member_id, outstanding, snapshot, totals
from tests.support import START, Community

PEOPLE = [("alice", "Bournemouth, UK"), ("bob", "Lagos, Nigeria"), ("carol", "Lima, Peru")]


async def test_issue_give_and_retire_move_balances_exactly(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    issued = await community.ok("alice", '!voucher issue @bob 3 "tutoring, keyboarding" thanks!')
    assert issued.key == "voucher.issued" and issued.private
    assert "You now have 3h outstanding of your 10h cap" in issued.text
    assert any(
        who == "member:bob"
        and "alice issued you 3h of their time, redeemable for tutoring, "
        "keyboarding. Note: “thanks!”"
        in text
        for who, text in issued.notices
    )
    given = await community.ok("bob", "!voucher give @carol @alice 1h30m")
    assert "You have 1h30m of them left" in given.text
    assert (
        "member:carol",
        "bob gave you 1h30m of alice's hours. `!voucher balance` shows all you hold.",
    ) in given.notices
    back = await community.ok("carol", "!voucher give @alice @alice 30m")
    assert back.key == "voucher.returned"
    assert await held(app, "bob", "alice") == 90
    assert await held(app, "carol", "alice") == 60
    assert await outstanding(app, "alice") == 150

    balance = await community.ok("carol", "!voucher balance")
    assert "- 1h of alice's hours" in balance.text
    mine = await community.ok("alice", "!voucher balance")
    assert (
        "Your own hours (tutoring, keyboarding): 2h30m outstanding, 0m delivered, cap 10h; "
        "you can issue 7h30m more." in mine.text
    )
    others = await community.ok("bob", "!voucher balance @alice")
    assert "alice's own hours" in others.text
    await clean(app)


async def test_the_cap_is_ten_hours_plus_delivered_and_at_most_forty(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 8 tutoring")
    await community.ok("alice", "!voucher issue @carol 2 tutoring")
    before = await snapshot(app)
    over = await community.say("alice", "!voucher issue @bob 15m tutoring")
    assert over.key == "voucher.over_cap" and over.private
    assert "You have 10h outstanding and your cap is 10h" in over.text
    assert "at most 0m more" in over.text
    assert await snapshot(app) == before

    # Delivering 2h of bob's request lets alice issue 2h more (and 2h came back).
    request = await community.ok("bob", "!voucher redeem @alice 2 maths tutoring")
    number = request.outcome.reply.params["number"]
    await community.ok("alice", f"!voucher deliver {number}")
    await community.ok("bob", f"!voucher confirm {number}")
    assert await outstanding(app, "alice") == 8 * 60
    await community.ok("alice", "!voucher issue @bob 4 tutoring")
    over = await community.say("alice", "!voucher issue @bob 15m tutoring")
    assert "your cap is 12h" in over.text

    # The most anyone may have outstanding is 40h, whatever they delivered.
    await community.ok("alice", "!admin settings voucher_cap_base 39h")
    await community.ok("alice", "!voucher issue @carol 28 tutoring")
    capped = await community.say("alice", "!voucher issue @carol 15m tutoring")
    assert "You have 40h outstanding and your cap is 40h" in capped.text
    await clean(app)


async def test_bad_voucher_input_gets_a_clear_reply_and_changes_nothing(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE, ("dan", "Quito, Ecuador"))
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    await community.ok("carol", "!voucher issue @bob 1 gardening")
    await community.ok("bob", "!voucher redeem @carol 30m weeding")
    cases = {
        ("bob", "!voucher give @carol @alice 0"): "voucher.amount_positive",
        ("bob", "!voucher give @carol @alice 0m"): "voucher.amount_positive",
        ("bob", "!voucher give @carol @alice -2"): "input.duration",
        ("bob", "!voucher give @carol @alice 20m"): "voucher.amount_step",
        ("bob", "!voucher give @carol @alice 1.3"): "voucher.amount_step",
        ("bob", "!voucher give @carol @alice 1001"): "voucher.amount_absurd",
        ("bob", "!voucher give @carol @alice 99999999999999"): "input.duration_huge",
        ("bob", "!voucher give @carol @alice lots"): "input.duration",
        ("bob", "!voucher give @carol @alice 2h15m"): "voucher.not_enough",
        ("bob", "!voucher give @carol @carol 45m"): "voucher.not_enough",
        ("bob", "!voucher give @bob @alice 1"): "voucher.give_self",
        ("bob", "!voucher give @carol @dan 1"): "voucher.none_held",
        ("bob", "!voucher give @carol @bob 1"): "voucher.give_own",
        ("bob", "!voucher give @nobody @alice 1"): "member.unknown",
        ("alice", "!voucher issue @bob 8h15m tutoring"): "voucher.over_cap",
        ("alice", "!voucher issue @alice 1 tutoring"): "voucher.issue_self",
        ("alice", "!voucher issue @bob 1"): "input.missing",
        ("alice", "!voucher issue @bob 1 " + "x" * 201): "input.too_long",
        ("dan", "!voucher redeem @alice 1 help"): "redeem.none_held",
        ("bob", "!voucher redeem @bob 1 help"): "redeem.own",
        ("bob", "!voucher redeem @carol 45m weeding"): "voucher.not_enough",
        ("bob", "!voucher confirm 99"): "redeem.unknown",
        ("bob", "!voucher history @alice"): "voucher.history_private",
        ("bob", "!voucher resolve 1 delivered"): "command.forbidden",
    }
    before = await snapshot(app)
    for (who, line), key in cases.items():
        said = await community.say(who, line)
        assert said.key == key, (line, said.text)
        assert said.private, line
        assert "{" not in said.text, said.text
    assert await snapshot(app) == before
    short = await community.say("bob", "!voucher give @carol @carol 45m")
    assert "You have 30m of carol's hours free to use (30m more are set aside" in short.text
    step = await community.say("bob", "!voucher give @carol @alice 20m")
    assert "steps of 15 minutes, so 20m won't do. Try 15m or 30m." in step.text
    await clean(app)


async def test_a_redemption_holds_the_hours_then_retires_them(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 3 tutoring")
    asked = await community.ok("bob", "!voucher redeem @alice 2 help with maths")
    number = asked.outcome.reply.params["number"]
    assert f"Request #{number}: you asked alice for 2h of help with maths" in asked.text
    assert any(
        who == "member:alice" and f"voucher deliver {number}" in text for who, text in asked.notices
    )
    assert await totals(app, "bob", "alice") == (120, 0, 0, 180)
    balance = await community.ok("bob", "!voucher balance")
    assert "- 3h of alice's hours (2h set aside for requests or auctions, 1h free)" in balance.text
    refused = await community.say("bob", "!voucher give @carol @alice 1h15m")
    assert refused.key == "voucher.not_enough"

    early = await community.say("bob", f"!voucher confirm {number}")
    assert early.key == "redeem.cannot_confirm"
    assert (await community.say("bob", f"!voucher deliver {number}")).key == "redeem.not_issuer"
    delivered = await community.ok("alice", f"!voucher deliver {number}")
    assert any(who == "member:bob" and "says request" in text for who, text in delivered.notices)
    late = await community.say("bob", f"!voucher cancel {number}")
    assert late.key == "redeem.cannot_cancel"
    confirmed = await community.ok("bob", f"!voucher confirm {number}")
    assert "2h of alice's hours are retired" in confirmed.text
    assert await totals(app, "bob", "alice") == (0, 120, 0, 180)
    assert await outstanding(app, "alice") == 60
    again = await community.say("bob", f"!voucher confirm {number}")
    assert again.key == "redeem.cannot_confirm"
    mine = await community.ok("alice", "!voucher balance")
    assert "1h outstanding, 2h delivered, cap 12h" in mine.text
    await clean(app)


async def test_cancel_and_decline_release_the_hold(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    first = (await community.ok("bob", "!voucher redeem @alice 1 a")).outcome.reply.params
    second = (await community.ok("bob", "!voucher redeem @alice 1 b")).outcome.reply.params
    assert await totals(app, "bob", "alice") == (120, 0, 0, 120)
    assert (await community.say("alice", f"!voucher cancel {first['number']}")).key == (
        "redeem.not_holder"
    )
    await community.ok("bob", f"!voucher cancel {first['number']}")
    declined = await community.ok("alice", f"!voucher decline {second['number']}")
    assert any(who == "member:bob" and "declined" in text for who, text in declined.notices)
    assert await totals(app, "bob", "alice") == (0, 0, 0, 120)
    assert await outstanding(app, "alice") == 120
    listed = await community.ok("bob", "!voucher requests")
    assert listed.key == "redeem.list_empty"
    await clean(app)


async def test_a_dispute_goes_to_a_trustee(community: Community, app: App) -> None:
    await community.people(*PEOPLE, ("dan", "Quito, Ecuador"))
    await community.ok("alice", "!admin role @dan trustee")
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    number = (await community.ok("bob", "!voucher redeem @alice 2 essay")).outcome.reply.params[
        "number"
    ]
    assert (await community.say("bob", f"!voucher dispute {number}")).key == (
        "redeem.cannot_dispute"
    )
    await community.ok("alice", f"!voucher deliver {number}")
    disputed = await community.ok("bob", f"!voucher dispute {number}")
    assert any(
        who == "member:dan" and f"voucher resolve {number} delivered" in text
        for who, text in disputed.notices
    )
    listed = await community.ok("alice", "!voucher requests")
    assert "(disputed)" in listed.text
    party = await community.say("alice", f"!voucher resolve {number} delivered")
    assert party.key == "redeem.resolve_party"
    settled = await community.ok("dan", f"!voucher resolve {number} refund")
    assert {who for who, _ in settled.notices} == {"member:bob", "member:alice"}
    assert await totals(app, "bob", "alice") == (0, 0, 0, 120)
    again = await community.say("dan", f"!voucher resolve {number} delivered")
    assert again.key == "redeem.not_disputed"
    await clean(app)


async def test_history_lists_movements_newest_first(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    assert (await community.ok("bob", "!voucher history")).key == "voucher.history_empty"
    await community.ok("alice", "!voucher issue @bob 2 tutoring first")
    await community.ok("bob", "!voucher give @carol @alice 30m")
    number = (await community.ok("bob", "!voucher redeem @alice 1 a")).outcome.reply.params[
        "number"
    ]
    await community.ok("bob", f"!voucher cancel {number}")
    history = await community.ok("bob", "!voucher history")
    lines = history.text.splitlines()
    assert lines[0] == "Latest voucher movements of bob, newest first:"
    assert "1h released of alice's hours, your request to alice was withdrawn" in lines[1]
    assert "1h held of alice's hours, set aside for your request to alice" in lines[2]
    assert "-30m of alice's hours, given to carol" in lines[3]
    assert "+2h of alice's hours, issued to you by alice (first)" in lines[4]
    await community.ok("alice", "!admin role @carol trustee")
    seen = await community.ok("carol", "!voucher history @bob")
    assert seen.text == history.text.replace("movements of bob", "movements of bob")
    # Page by page, with the next page's command.
    await community.ok("alice", "!admin settings page_size 2")
    newest = await community.ok("bob", "!voucher history")
    assert newest.text.splitlines()[1:] == [*lines[1:3], "More: `!voucher history page:2`"]
    older = await community.ok("bob", "!voucher history 2")
    assert older.text.splitlines()[1:] == lines[3:5]
    theirs = await community.ok("carol", "!voucher history @bob")
    assert "More: `!voucher history @bob 2`" in theirs.text
    assert (await community.ok("carol", "!voucher history @bob 2")).text == older.text
    beyond = await community.say("bob", "!voucher history 3")
    assert beyond.key == "page.past_end" and "`!voucher history`" in beyond.text
    await clean(app)


async def test_a_repeated_key_gives_once(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    first = await community.say("bob", "!voucher give @carol @alice 1", key="gift-1")
    again = await community.say("bob", "!voucher give @carol @alice 1", key="gift-1")
    assert again.outcome.replayed and again.text == first.text
    assert await held(app, "carol", "alice") == 60
    assert await held(app, "bob", "alice") == 60


async def _transfers(app: App) -> int:
    async with app.engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(ledger_t.transfers))).scalar_one()
        )


async def test_the_ledger_itself_finds_its_transfers_on_a_replay(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    alice, bob, carol = [await member_id(app, n) for n in ("alice", "bob", "carol")]
    settings = Settings({}, {})

    async def give(key: str, minutes: int) -> bool:
        async with SqlUnitOfWork(app.engine) as uow:
            community_id = (await uow.communities.get_or_create("test", "test", START)).id
            book = Book(uow, community_id, settings, key, START)
            accounts = await book.accounts(L.holding_key(alice, bob), L.holding_key(alice, carol))
            source = accounts[L.holding_key(alice, bob)].id
            target = accounts[L.holding_key(alice, carol)].id
            made = await book.execute([Transfer(book.next_id(), source, target, minutes, L.GIVE)])
            await uow.commit()
            return made

    assert await give("direct-1", 60) is True
    count = await _transfers(app)
    # The same key again: found, nothing moves, even though it would now overdraw.
    assert await give("direct-1", 60) is False
    assert await give("direct-1", 60) is False
    assert await _transfers(app) == count
    assert await held(app, "bob", "alice") == 60
    assert await held(app, "carol", "alice") == 60
    await clean(app)


async def test_a_batch_commits_together_or_not_at_all(community: Community, app: App) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 1 tutoring")
    alice, bob, carol = [await member_id(app, n) for n in ("alice", "bob", "carol")]
    before = await snapshot(app)
    async with SqlUnitOfWork(app.engine) as uow:
        community_id = (await uow.communities.get_or_create("test", "test", START)).id
        book = Book(uow, community_id, Settings({}, {}), "batch", START, bob)
        accounts = await book.accounts(L.holding_key(alice, bob), L.holding_key(alice, carol))
        source = accounts[L.holding_key(alice, bob)].id
        target = accounts[L.holding_key(alice, carol)].id
        batch = [
            Transfer(book.next_id(), source, target, 45, L.GIVE),
            Transfer(book.next_id(), source, target, 30, L.GIVE),
        ]
        try:
            await book.execute(batch)
        except Exception as error:
            assert getattr(error, "code", None) == "voucher.not_enough"
        else:
            raise AssertionError("the second transfer should have overdrawn the holding")
        # Nothing of the batch was written, even before the unit of work ends.
        assert await uow.ledger.transfers(x.id for x in batch) == {}
    after = await snapshot(app)
    after["accounts"] = [a for a in after["accounts"] if a[0] in {x[0] for x in before["accounts"]}]
    assert after["counts"] == before["counts"]
    assert after["accounts"] == before["accounts"]
    await clean(app)


async def test_a_pending_transfer_is_posted_or_voided_exactly_once(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    number = (await community.ok("bob", "!voucher redeem @alice 1 a")).outcome.reply.params[
        "number"
    ]
    await community.ok("bob", f"!voucher cancel {number}")
    async with SqlUnitOfWork(app.engine) as uow:
        community_id = (await uow.communities.get_or_create("test", "test", START)).id
        request = await uow.ledger.redemption(community_id, number)
        assert request is not None
        hold = (await uow.ledger.transfers([request.hold_id]))[request.hold_id]
        book = Book(uow, community_id, Settings({}, {}), "post-after-void", START)
        # The ledger refuses to resolve it again...
        with pytest.raises(Invalid):
            await book.execute([L.resolve(book.next_id(), hold, L.POST)])
        # ...and so does the database, even if the ledger's check were skipped.
        with pytest.raises(Duplicate):
            await uow.ledger.insert(community_id, [L.resolve(book.next_id(), hold, L.POST)], START)
    assert await totals(app, "bob", "alice") == (0, 0, 0, 120)
    await clean(app)
