"""Junto on Discord where it lacks permissions, and at the edges of Discord's limits:
it checks a channel before depending on it and tells the lead what to grant, never
asks Discord for what the cache already says it would refuse, answers within the
deadlines, and keeps within the upload and channel limits."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.discord.settings import DiscordConfig
from bot.commands import Command, Ctx, Who
from bot.replies import Attachment, Reply
from tests.adapters.discord.fake import FakeDiscord, Permission
from tests.adapters.discord.harness import (
    active_circle,
    add_people,
    channel_named,
    channel_texts,
    dm_texts,
    is_ephemeral,
    started,
    text_of,
)


async def test_a_circle_in_a_channel_junto_cant_use_warns_its_lead(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    add_people(fake)
    study = fake.add_channel(fake.guild_id, "study", parent_id=fake.category_id)
    fake.deny_bot(study, Permission.ADD_REACTIONS | Permission.SEND_MESSAGES)
    config = DiscordConfig(token=fake.token, circle_channels=False)
    async with started(fake, tmp_path, config=config) as bot:
        await bot.people("alice")
        _, _, interaction = await bot.say(
            "alice", "circle create", {"name": "tiny", "topic": "T"}, channel_id=study
        )
        await fake.wait_until(lambda: len(interaction.followup_message_ids) >= 2, what="warning")
        warning = fake.render_message(interaction.followup_message_ids[-1])
        assert is_ephemeral(warning)
        said = text_of(warning)
        assert f"<#{study}>" in said and "Send Messages" in said and "Add Reactions" in said
        assert "View Channel" not in said


async def test_notices_for_a_channel_junto_cant_see_are_not_sent_and_the_leads_are_told(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    async with started(fake, tmp_path) as bot:
        channel = await active_circle(bot)
        await fake.update_overwrite(channel, fake.bot_id, deny=Permission.VIEW_CHANNEL)
        await fake.wait_until(
            lambda: "view_channel" in bot.adapter.poster.missing(channel),
            what="the client to learn of it",
        )
        before = len(fake.requests)
        # Two leave, and the circle is forming again: a notice for its channel.
        await bot.ok("dave", "circle leave", {"name": "spanish-a2"})
        await bot.ok("carol", "circle leave", {"name": "spanish-a2"})
        posted = [
            r
            for r in fake.requests[before:]
            if r.method == "POST" and r.path == f"/channels/{channel}/messages"
        ]
        assert posted == []  # the cache said no: Discord was not asked, nothing refused
        await fake.wait_until(
            lambda: any("View Channel" in t for t in dm_texts(bot, "alice")), what="alice told"
        )
        told = [t for t in dm_texts(bot, "alice") if "View Channel" in t]
        assert len(told) == 1 and f"<#{channel}>" in told[0]
        # Granted again: notices go there once more.
        await fake.update_overwrite(channel, fake.bot_id)
        await fake.wait_until(lambda: not bot.adapter.poster.missing(channel), what="the grant")
        await bot.ok("carol", "circle join", {"name": "spanish-a2"})
        await fake.wait_until(
            lambda: any("active" in t for t in channel_texts(bot, channel)[-1:]),
            what="the notice in the channel",
        )
        assert len([t for t in dm_texts(bot, "alice") if "View Channel" in t]) == 1


async def test_autocomplete_answers_within_its_deadline_even_when_lookups_are_slow(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice")
        bot.adapter.autocomplete_budget = 0.3

        async def slow(*_args: Any) -> list[Any]:
            await asyncio.sleep(5)
            return []

        bot.adapter.core.suggest = slow  # type: ignore[method-assign]
        interaction = await fake_discord.send_autocomplete(
            "circle join", {"name": "sp"}, focused="name"
        )
        callback = await fake_discord.wait_for_callback(interaction, timeout=2)
        assert callback.type == 8 and callback.data == {"choices": []}
        assert callback.at - interaction.created_at < 1.0


async def test_an_answer_after_the_token_expired_goes_by_dm_or_to_the_channel(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async def slow_private(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        await asyncio.sleep(0.4)
        return Reply("circle.list_empty", private=True)

    async def slow_public(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        await asyncio.sleep(0.4)
        return Reply("circle.list_empty")

    custom = [
        Command("slowprivate", (), "x", Who.ANYONE, slow_private),
        Command("slowpublic", (), "x", Who.ANYONE, slow_public),
    ]
    async with started(fake_discord, tmp_path, custom=custom) as bot:
        fake_discord.interaction_token_life = 0.2
        general = fake_discord.general_channel_id
        await bot.send("alice", "slowprivate")
        await fake_discord.wait_until(
            lambda: any("no circles" in t.lower() for t in dm_texts(bot, "alice")),
            what="the answer by DM",
        )
        await bot.send("alice", "slowpublic")
        await fake_discord.wait_until(
            lambda: any("no circles" in t.lower() for t in channel_texts(bot, general)),
            what="the answer in the channel",
        )


async def test_files_beyond_the_upload_limit_are_left_out_with_a_note(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async def big(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        return Reply(
            "circle.list_empty",
            private=True,
            attachments=(
                Attachment("small.txt", "text/plain", b"x" * 10),
                Attachment("huge.bin", "application/octet-stream", b"x" * 2048),
            ),
        )

    async with started(
        fake_discord, tmp_path, custom=[Command("big", (), "x", Who.ANYONE, big)]
    ) as bot:
        fake_discord.upload_limit = 1024
        text, answer, _ = await bot.say("alice", "big")
        assert [a["filename"] for a in answer["attachments"]] == ["small.txt"]
        assert "huge.bin" in text and "not attached" in text


async def test_a_full_category_puts_a_circle_channel_outside_it(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    in_category = sum(
        1 for c in fake.channels.values() if c.get("parent_id") == str(fake.category_id)
    )
    for index in range(50 - in_category):
        fake.add_channel(fake.guild_id, f"room-{index}", parent_id=fake.category_id)
    async with started(fake, tmp_path) as bot:
        await bot.people("alice")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "T"})
        channel = fake.channels[channel_named(bot, "tiny")]
        assert channel["parent_id"] is None
        refused = [r for r in fake.requests if r.status == 400 and r.path.endswith("/channels")]
        assert refused == []
