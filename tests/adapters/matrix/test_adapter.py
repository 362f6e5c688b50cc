"""The Matrix adapter against a real Synapse: commands, replies, private replies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nio import ReactionEvent, RoomMemberEvent

from tests.adapters.matrix.adapter_support import (
    Person,
    bot_account,
    bot_config,
    in_reply_to,
    join,
    joined,
    junto,
    open_room,
    start_bot,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver
from tests.support import app_on


async def test_a_command_gets_a_notice_in_reply(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        event_id = await alice.say(room, '!circle create spanish-a2 "Spanish at A2"')
        reply = await alice.reply_to(room, event_id)
        assert reply.sender == bot.user_id
        assert "spanish-a2" in reply.body
        assert in_reply_to(reply) == event_id
        assert reply.source["content"]["msgtype"] == "m.notice"


async def test_help_has_a_plain_body_and_an_html_body(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.say(room, "!help")
        reply = await alice.direct_notice(bot.user_id, "Commands")
        content = reply.source["content"]
        assert "!circle create" in content["body"]
        assert "<code>" not in content["body"]
        assert content["format"] == "org.matrix.custom.html"
        assert "<code>!circle create" in content["formatted_body"]
        assert "<br/>" in content["formatted_body"]


async def test_mistakes_are_answered_privately_with_a_pointer_in_the_room(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        typo = await alice.say(room, "!circel list")
        private = await alice.direct_notice(bot.user_id, "Did you mean")
        assert "!circle list" in private.body
        pointer = await alice.until(
            lambda: [
                e
                for e in alice.events(room)
                if isinstance(e, ReactionEvent) and e.reacts_to == typo
            ],
            what="the pointer reaction",
        )
        assert pointer[0].sender == bot.user_id
        assert alice.replies_to(room, typo) == []

        # The second private reply reuses the same direct room.
        direct = alice.direct_room_with(bot.user_id)
        await alice.say(room, "!circle join nothing-here")
        await alice.direct_notice(bot.user_id, "nothing-here")
        assert [r for r, who in alice.invites.items() if who == bot.user_id] == [direct]


async def test_commands_in_the_direct_room_are_answered_there(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.say(room, "!nonsense")
        await alice.direct_notice(bot.user_id, "help")
        direct = alice.direct_room_with(bot.user_id)
        assert direct is not None
        asked = await alice.say(direct, "!profile show")
        reply = await alice.reply_to(direct, asked)
        assert alice.user_id in reply.body or "Context" in reply.body
        # A refusal said in private is answered in place, with no pointer.
        wrong = await alice.say(direct, "!circle join nowhere")
        refusal = await alice.reply_to(direct, wrong)
        assert "nowhere" in refusal.body


async def test_mentions_work_as_pills_and_as_plain_user_ids(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    bob = Person(await matrix_client("bob"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id, bob.user_id])
    await join(bob, room)
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await bob.client.set_displayname("Bobby")
        await alice.command(room, '!circle create spanish-a2 "Spanish at A2"')
        await bob.command(room, "!circle join spanish-a2")
        pill = f'<a href="https://matrix.to/#/{bob.user_id}">Bobby</a>'
        asked = await alice.say(
            room, "!circle lead spanish-a2 Bobby", html=f"!circle lead spanish-a2 {pill}"
        )
        reply = await alice.reply_to(room, asked)
        assert "Bobby" in reply.body and "lead" in reply.body
        # The reply shows Bobby as a pill: the display name of a member of the room.
        assert pill in reply.source["content"]["formatted_body"]
        info = await alice.command(room, f"!profile show {bob.user_id}")
        assert "Bobby" in info


async def test_invites_to_unlisted_rooms_are_declined(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        other = await open_room(alice, [bot.user_id], name="elsewhere")

        def declined() -> bool:
            return any(
                isinstance(e, RoomMemberEvent)
                and e.state_key == bot.user_id
                and e.membership == "leave"
                for e in alice.events(other)
            )

        await alice.until(declined, what="the declined invite")
        said = await alice.say(other, "!help")
        await alice.command(room, "!circle list")
        assert alice.replies_to(other, said) == []


async def test_a_circle_gets_its_own_room_in_the_community_space(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    bob = Person(await matrix_client("bob"))
    carol = Person(await matrix_client("carol"))
    account = await bot_account(homeserver)
    space = await open_room(
        alice, [account.user_id], name="Learners", space=True, power={account.user_id: 50}
    )
    room = await open_room(alice, [account.user_id, bob.user_id, carol.user_id])
    await join(bob, room)
    await join(carol, room)
    async with junto(homeserver, tmp_path, account, [space, room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.until(lambda: joined(alice, space, bot.user_id), what="Junto in the space")
        await alice.command(room, '!profile set context:"Bournemouth, UK"', "updated")
        await bob.command(room, '!profile set context:"Lagos, Nigeria"', "updated")
        await alice.command(room, '!circle create spanish-a2 "Spanish at A2"', "spanish-a2")

        direct = alice.direct_room_with(bot.user_id)
        circle_room = await alice.until(
            lambda: next(
                (r for r, who in alice.invites.items() if who == bot.user_id and r != direct),
                None,
            ),
            what="the invite to the circle's room",
        )
        await join(alice, circle_room)
        assert alice.client.rooms[circle_room].display_name == "spanish-a2"
        assert circle_room in alice.client.rooms[space].children

        # Members who join the circle are invited to its room, and its notices go there.
        await bob.command(room, "!circle join spanish-a2", "Welcome")
        await join(bob, circle_room)
        await carol.command(room, "!circle join spanish-a2", "Welcome")
        became = await bob.notice(circle_room, "spanish-a2 is now active")
        assert became.sender == bot.user_id
        assert not any("is now active" in n.body for n in bob.notices(room))
        # Commands work in the circle's room too.
        assert "Spanish at A2" in await bob.command(circle_room, "!circle info spanish-a2")


async def test_a_member_who_leaves_their_direct_room_gets_a_new_one(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.command(room, "!help", "Commands")
        first = alice.direct_room_with(bot.user_id)
        assert first is not None
        await alice.client.room_leave(first)
        await alice.until(
            lambda: bot.bot.state.direct_room(alice.user_id) is None, what="Junto forgetting it"
        )
        del alice.invites[first]
        await alice.command(room, "!help circle create", "circle create")
        second = alice.direct_room_with(bot.user_id)
        assert second is not None and second != first


async def test_a_direct_room_opened_by_a_member_is_accepted_and_used(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    stranger = Person(await matrix_client("stranger"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        created = await alice.client.room_create(invite=[bot.user_id], is_direct=True)
        direct = created.room_id
        await alice.until(lambda: joined(alice, direct, bot.user_id), what="Junto accepting")
        reply = await alice.reply_to(direct, await alice.say(direct, "!circle list"))
        assert reply.sender == bot.user_id
        # Private answers now go to the room the member opened.
        await alice.say(room, "!help")
        await alice.until(
            lambda: any("Commands" in n.body for n in alice.notices(direct, bot.user_id)),
            what="help in the member's own direct room",
        )
        # Someone in none of the community's rooms is turned away.
        other = await stranger.client.room_create(invite=[bot.user_id], is_direct=True)
        await stranger.until(
            lambda: any(
                isinstance(e, RoomMemberEvent)
                and e.state_key == bot.user_id
                and e.membership == "leave"
                for e in stranger.events(other.room_id)
            ),
            what="the declined direct invite",
        )


async def test_an_access_token_instead_of_a_password(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    config = replace(
        bot_config(homeserver, account.user_id, "", tmp_path / "store", [room]),
        password=None,
        access_token=account.access_token,
    )
    async with app_on("sqlite", tmp_path) as app:
        bot = await start_bot(app, config)
        try:
            await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
            assert "spanish-a2" in await alice.command(
                room, '!circle create spanish-a2 "Spanish at A2"'
            )
        finally:
            await bot.stop()
