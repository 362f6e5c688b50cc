"""One bot, two guilds, two communities: nothing said in one appears in the other.

Carol sits in a circle in each guild and has closed her DMs, so every notice to her
falls back to a circle channel; each must land in her circle of the notice's own
guild, never in the other's, and a notice whose community has no channel for her
is not posted anywhere else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from adapters.discord.components import rsvp_id
from bot.replies import Address, Notice, Reply
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import (
    CONTEXTS,
    PEOPLE,
    Bot,
    add_people,
    channel_texts,
    dm_texts,
    started,
    text_of,
)


@dataclass
class Guild:
    id: int
    general: int


def second_guild(fake: FakeDiscord) -> Guild:
    guild = fake.add_guild("Chess Club")
    for name in PEOPLE:
        fake.add_member(guild, fake.user_ids[name])
    general = next(
        int(c["id"])
        for c in fake.channels.values()
        if c.get("guild_id") == str(guild) and c.get("name") == "general"
    )
    return Guild(guild, general)


def channels_in(fake: FakeDiscord, guild: int) -> dict[str, int]:
    return {
        str(c["name"]): int(c["id"])
        for c in fake.channels.values()
        if c.get("guild_id") == str(guild) and c["type"] == 0
    }


@pytest_asyncio.fixture
async def two(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[Bot, Guild]]:
    add_people(fake_discord)
    other = second_guild(fake_discord)
    async with started(fake_discord, tmp_path) as bot:
        yield bot, other


async def circle_in(bot: Bot, guild: Guild | None, circle: str, members: list[str]) -> int:
    """A circle led by alice with these members, in the default guild or `guild`."""
    where = {} if guild is None else {"guild_id": guild.id, "channel_id": guild.general}
    for name in ["alice", *members]:
        await bot.ok(name, "profile set", {"context": CONTEXTS[name]}, **where)
    await bot.ok("alice", "circle create", {"name": circle, "topic": circle}, **where)
    for name in members:
        await bot.ok(name, "circle join", {"name": circle}, **where)
    return channels_in(bot.fake, guild.id if guild else bot.fake.guild_id)[circle]


async def test_fallbacks_stay_in_the_guild_the_notice_came_from(
    two: tuple[Bot, Guild],
) -> None:
    bot, other = two
    fake = bot.fake
    here = await circle_in(bot, None, "spanish-a2", ["bob", "carol", "dave"])
    there = await circle_in(bot, other, "chess", ["bob", "carol", "dave"])
    fake.dms_closed.add(bot.user("carol"))
    mention = f"<@{bot.user('carol')}>"

    # Made a lead in each guild: each announcement falls back to that guild's circle.
    await bot.ok("alice", "circle lead", {"name": "spanish-a2", "member": bot.user("carol")})
    await bot.ok(
        "alice",
        "circle lead",
        {"name": "chess", "member": bot.user("carol")},
        guild_id=other.id,
        channel_id=other.general,
    )
    await fake.wait_until(
        lambda: (
            any(t.startswith(mention) for t in channel_texts(bot, here))
            and any(t.startswith(mention) for t in channel_texts(bot, there))
        ),
        what="both fallbacks",
    )
    assert not any("chess" in t for t in channel_texts(bot, here))
    assert not any("spanish-a2" in t for t in channel_texts(bot, there))

    # Reminders from due work, for an event in each guild.
    numbers = {}
    for circle, guild in (("spanish-a2", None), ("chess", other)):
        where = {} if guild is None else {"guild_id": guild.id, "channel_id": guild.general}
        _, _, interaction = await bot.say(
            "alice",
            "event schedule",
            {"circle": circle, "title": f"Talk of {circle}", "start": "2026-12-02 18:00"}
            | {"duration": "1h"},
            **where,
        )
        numbers[circle] = int((await bot.stored(interaction))[0]["params"]["number"])
        post = await bot.answer_post(interaction)
        click = await fake.send_component(
            post, rsvp_id(numbers[circle], "going"), user_id=bot.user("carol")
        )
        await bot.answer(click)
    before = {here: len(channel_texts(bot, here)), there: len(channel_texts(bot, there))}
    bot.app.clock.advance(timedelta(hours=9, minutes=5))
    assert bot.app.jobs is not None
    await bot.app.jobs.run_due(bot.adapter.deliver)
    new_here = channel_texts(bot, here)[before[here] :]
    new_there = channel_texts(bot, there)[before[there] :]
    assert any(t.startswith(mention) and "Talk of spanish-a2" in t for t in new_here)
    assert any(t.startswith(mention) and "Talk of chess" in t for t in new_there)
    assert not any("Talk of chess" in t for t in new_here)
    assert not any("Talk of spanish-a2" in t for t in new_there)
    assert dm_texts(bot, "carol") == []


async def test_a_notice_with_no_channel_in_its_own_community_is_posted_nowhere(
    two: tuple[Bot, Guild],
) -> None:
    bot, other = two
    fake = bot.fake
    there = await circle_in(bot, other, "chess", ["bob", "carol"])
    await bot.ok("carol", "profile set", {"context": CONTEXTS["carol"]})  # known here too
    fake.dms_closed.add(bot.user("carol"))
    before = {cid: len(fake.messages_in(cid)) for cid in fake.channels}
    notice = Notice(
        Reply("review.withdrawn", {"number": 7}),
        addresses=(Address("discord", "member", str(bot.user("carol"))),),
        community=bot.adapter.config.community_slug(fake.guild_id),
    )
    assert await bot.adapter.deliver([notice]) == []
    after = {cid: len(fake.messages_in(cid)) for cid in before}
    assert after == before, "posted somewhere although carol has no circle in this guild"
    assert len(channel_texts(bot, there)) == before[there]


async def test_closed_dms_are_remembered_for_a_while(two: tuple[Bot, Guild]) -> None:
    bot, _ = two
    fake = bot.fake
    await circle_in(bot, None, "spanish-a2", ["bob", "carol", "dave"])
    fake.dms_closed.add(bot.user("carol"))
    community = bot.adapter.config.community_slug(fake.guild_id)
    notice = Notice(
        Reply("review.withdrawn", {"number": 7}),
        addresses=(Address("discord", "member", str(bot.user("carol"))),),
        community=community,
    )

    def refused() -> int:
        return sum(1 for r in fake.requests if r.status == 403 and r.path.startswith("/channels/"))

    await bot.adapter.deliver([notice])
    assert refused() == 1
    for _ in range(3):
        await bot.adapter.deliver([notice])
    assert refused() == 1  # not asked again: each refusal counts against the bot
    spanish = channels_in(fake, fake.guild_id)["spanish-a2"]
    mentions = [t for t in channel_texts(bot, spanish) if t.startswith(f"<@{bot.user('carol')}>")]
    assert len(mentions) == 4  # every notice still reached her, in her circle
    # After the time-out her DMs are tried again, and now they are open.
    fake.dms_closed.discard(bot.user("carol"))
    bot.app.clock.advance(timedelta(hours=7))
    await bot.adapter.deliver([notice])
    assert any("#7" in t for t in dm_texts(bot, "carol"))


async def test_a_failed_dm_in_a_reminder_batch_is_the_only_one_sent_again(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        fake = bot.fake
        await circle_in(bot, None, "spanish-a2", ["bob", "carol", "dave", "erin"])
        _, _, interaction = await bot.say(
            "alice",
            "event schedule",
            {"circle": "spanish-a2", "title": "Talk", "start": "2026-12-02 18:00"}
            | {"duration": "1h"},
        )
        number = int((await bot.stored(interaction))[0]["params"]["number"])
        for name in ("bob", "carol", "dave", "erin"):
            await bot.ok(name, "event rsvp", {"event": str(number), "answer": "going"})
        carol_dm = fake._dm_channel(bot.user("carol"))
        fake.fail_next("POST", rf"^/channels/{carol_dm}/messages$", 503)
        bot.app.clock.advance(timedelta(hours=9, minutes=5))
        assert bot.app.jobs is not None
        await bot.app.jobs.run_due(bot.adapter.deliver)

        def reminders(name: str) -> int:
            return sum(1 for t in dm_texts(bot, name) if f"#{number}" in t)

        assert [reminders(n) for n in ("bob", "carol", "dave", "erin")] == [1, 0, 1, 1]
        bot.app.clock.advance(timedelta(minutes=5))
        await bot.app.jobs.run_due(bot.adapter.deliver)
        assert [reminders(n) for n in ("bob", "carol", "dave", "erin")] == [1, 1, 1, 1]
        await bot.app.jobs.run_due(bot.adapter.deliver)
        assert [reminders(n) for n in ("bob", "carol", "dave", "erin")] == [1, 1, 1, 1]
        assert any(text_of(m) for m in fake.messages_in(carol_dm))
