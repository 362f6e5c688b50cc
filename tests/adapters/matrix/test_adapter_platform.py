"""Junto on Matrix as Synapse behaves: events capped at 65,536 bytes, a member who
declines the direct room, Junto removed from a room, the power to redact, and room
upgrades; against the real homeserver."""

from __future__ import annotations

from pathlib import Path

from nio import MessageDirection, RedactionEvent, RoomKickResponse, RoomMessageNotice

from adapters.matrix.client import PRIVATE_POINTER
from adapters.matrix.replies import MAX_CONTENT_BYTES, content_size
from bot.replies import Address, Anchor, Notice, Reply
from tests.adapters.matrix.adapter_support import (
    CHECK,
    Person,
    bot_account,
    joined,
    junto,
    open_room,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver

COMMUNITY = "test"


async def test_a_long_answer_is_split_into_events_within_the_size_limit(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        # Junto's own sync must have the room too before it can send there.
        await alice.until(lambda: room in bot.bot.client.rooms, what="the room in Junto's sync")
        lines = [f"line {i}: " + "é" * 200 for i in range(400)]  # about 160 KB of UTF-8
        text = "\n".join(lines)
        notice = Notice(
            Reply("journey.note", {"text": text}),
            addresses=(Address("matrix", "place", room),),
            community=COMMUNITY,
        )
        assert await bot.bot.deliver([notice]) == []

        def parts() -> list[RoomMessageNotice]:
            return [n for n in alice.notices(room, bot.user_id) if "line " in n.body]

        await alice.until(lambda: "line 399" in "".join(n.body for n in parts()), what="all")
        # The member's sync may skip some of a burst (a limited timeline): read them back.
        history = await alice.client.room_messages(
            room, start=alice.client.next_batch, direction=MessageDirection.back, limit=100
        )
        found = [
            e
            for e in reversed(history.chunk)
            if isinstance(e, RoomMessageNotice) and e.sender == bot.user_id and "line " in e.body
        ]
        assert len(found) > 1
        assert "\n".join(n.body for n in found) == "📝 " + text
        for part in found:
            assert content_size(part.source["content"]) <= MAX_CONTENT_BYTES


async def test_a_member_who_declines_the_direct_room_is_told_in_the_room_without_the_answer(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.command(room, "!circle join nope")  # a private answer: a direct room
        direct = await alice.until(
            lambda: alice.direct_room_with(bot.user_id), what="the direct room's invite"
        )
        await alice.client.room_leave(direct)  # declined
        await alice.until(
            lambda: bot.bot.rooms.unreachable(alice.user_id), what="Junto to see the decline"
        )
        said = await alice.command(room, "!circle join nada")
        assert "declined my direct room" in said and "nada" not in said
        invites = [r for r, who in alice.invites.items() if who == bot.user_id]
        assert invites == [direct]  # not invited again
        # She opens a direct chat herself: private answers go there again.
        created = await alice.client.room_create(is_direct=True, invite=[bot.user_id])
        opened = created.room_id
        await alice.until(lambda: joined(alice, opened, bot.user_id), what="Junto joining it")
        asked = await alice.say(room, "!circle join niente")
        await alice.until(
            lambda: any(
                getattr(e, "key", None) == PRIVATE_POINTER and e.reacts_to == asked
                for e in alice.events(room)
            ),
            what="the pointer to the private answer",
        )
        await alice.notice(opened, "niente")
        assert not bot.bot.rooms.unreachable(alice.user_id)


async def test_removed_from_a_room_its_circles_post_in_the_main_room_and_admins_hear(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    main = await open_room(alice, [account.user_id], name="main")
    side = await open_room(alice, [account.user_id], name="side")
    async with junto(homeserver, tmp_path, account, [main, side], admins=[alice.user_id]) as bot:
        await alice.until(lambda: joined(alice, side, bot.user_id), what="Junto joining")
        await alice.command(side, '!circle create chess "Chess"', "chess")
        spec = bot.bot.spec
        assert await bot.app.core.circle_place(spec, "chess", "matrix") == side
        kicked = await alice.client.room_kick(side, bot.user_id, reason="tidying up")
        assert isinstance(kicked, RoomKickResponse), kicked
        told = await alice.direct_notice(bot.user_id, "was removed from")
        assert side in told.body and alice.user_id in told.body
        assert await bot.app.core.circle_place(spec, "chess", "matrix") == main


async def test_a_refused_ballot_is_taken_off_only_where_junto_may_redact(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    # Junto may redact in this room (power 50, the default needed to redact).
    room = await open_room(alice, [account.user_id], power={account.user_id: 50})
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        # A post that stands for a review nobody may vote on yet: every ballot is refused.
        await alice.command(room, '!profile set context:"Bournemouth, UK"')
        await alice.command(room, '!circle create chess "Chess"', "chess")
        await alice.command(room, '!event schedule chess "Opening" "2026-12-03 18:00" 1h', "#2")
        review = Notice(
            # The event scheduled above is the community's first event (id 1).
            Reply("journey.note", {"text": "vote here"}, anchor=Anchor("review", 1)),
            addresses=(Address("matrix", "place", room),),
            community=COMMUNITY,
        )
        await bot.bot.deliver([review])
        post = await alice.notice(room, "vote here")
        reaction = await alice.react(room, post.event_id, CHECK)
        await alice.until(
            lambda: any(
                isinstance(e, RedactionEvent) and e.redacts == reaction for e in alice.events(room)
            ),
            what="the refused reaction taken off",
        )
        assert room not in bot.bot._cannot_redact


async def test_an_upgraded_room_is_followed_with_its_circles(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.command(room, '!circle create chess "Chess"', "chess")
        async with homeserver.http.post(
            f"{homeserver.url}/_matrix/client/v3/rooms/{room}/upgrade",
            json={"new_version": "11"},
            headers={"Authorization": f"Bearer {alice.client.access_token}"},
        ) as response:
            assert response.status == 200, await response.text()
            upgraded = (await response.json())["replacement_room"]
        await alice.client.join(upgraded)
        await alice.client.room_invite(upgraded, bot.user_id)  # a private room: invited
        await alice.until(lambda: joined(alice, upgraded, bot.user_id), what="Junto following")
        assert bot.bot.rooms.configured == [upgraded]
        spec = bot.bot.spec
        assert await bot.app.core.circle_place(spec, "chess", "matrix") == upgraded
        assert "Chess" in await alice.command(upgraded, "!circle info chess")
