"""Reminders, the review post, and ballots cast by reactions and withdrawn by redaction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from nio import RoomRedactResponse

from tests.adapters.matrix.adapter_support import (
    CHECK,
    CROSS,
    Person,
    Running,
    bot_account,
    join,
    joined,
    junto,
    open_room,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver


async def _circle_with_an_event(bot: Running, room: str, people: list[Person]) -> None:
    alice, bob, carol, dan = people
    contexts = ["Bournemouth, UK", "Lagos, Nigeria", "Lima, Peru", "Oslo, Norway"]
    for person, context in zip(people, contexts, strict=True):
        await person.command(room, f'!profile set context:"{context}"', "profile is updated")
    await alice.command(room, '!circle create spanish-a2 "Spanish at A2"')
    for person in (bob, carol, dan):
        assert "Welcome" in await person.command(room, "!circle join spanish-a2")
    scheduled = await alice.command(
        room, '!event schedule spanish-a2 "Conversation hour" "2026-12-02 18:00" 90m where:Lab'
    )
    assert "#2" in scheduled
    for person in (bob, carol, dan):
        await person.command(room, "!event rsvp 2 going")


async def test_reminders_reviews_and_ballots_by_reaction(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    people = [Person(await matrix_client(name)) for name in ("alice", "bob", "carol", "dan")]
    alice, bob, carol, dan = people
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id, *(p.user_id for p in people[1:])])
    for person in people[1:]:
        await join(person, room)
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await _circle_with_an_event(bot, room, people)

        # A day before: reminders go to each member's direct room.
        bot.app.clock.advance(timedelta(hours=9))
        await bot.bot.run_due()
        reminder = await bob.direct_notice(bot.user_id, "Reminder: #2 Conversation hour")
        assert "Lab" in reminder.body

        bot.app.clock.advance(timedelta(hours=23, minutes=50))
        for person in people:
            await person.command(room, "!event checkin 2")
        bot.app.clock.advance(timedelta(hours=1, minutes=40))
        await bot.bot.run_due()
        post = await alice.notice(room, "time to review it")
        assert post.sender == bot.user_id

        # Bob's ✅ counts; he hears so in private.
        await bob.react(room, post.event_id, CHECK)
        counted = await bob.direct_notice(bot.user_id, "Your ballot on #2 is counted")
        assert "at level" in counted.body

        # Carol's ❌, then its redaction, withdraws her ballot.
        carol_reaction = await carol.react(room, post.event_id, CROSS)
        await carol.direct_notice(bot.user_id, "below level")
        redacted = await carol.client.room_redact(room, carol_reaction)
        assert isinstance(redacted, RoomRedactResponse)
        await carol.direct_notice(bot.user_id, "Your ballot on #2 is withdrawn")

        # The host's ballot is refused, privately, and does not count.
        await alice.react(room, post.event_id, CHECK)
        refused = await alice.direct_notice(bot.user_id, "hosts don't review their own event")
        assert "doesn't count" in refused.body
        # Junto has no power to redact here: the reaction stays, and Junto says so once.
        assert room in bot.bot._cannot_redact

        # An emoji that casts nothing gets no answer; dan's ✅ is the second ballot.
        await dan.react(room, post.event_id, "🎉")
        await dan.react(room, post.event_id, CHECK)
        await dan.direct_notice(bot.user_id, "counted")
        dan_direct = dan.direct_room_with(bot.user_id)
        assert dan_direct is not None
        assert not any("🎉" in n.body for n in dan.notices(dan_direct))

        status = await bob.command(room, "!review status 2")
        assert "2 of 3 voters have voted" in status
        bot.app.clock.advance(timedelta(days=3))
        await bot.bot.run_due()
        closed = await alice.notice(room, "The review of #2 Conversation hour is closed")
        assert "2 at level, 0 below" in closed.body
