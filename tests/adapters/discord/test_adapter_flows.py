"""Scenarios on Discord: a circle with its own channel, notices by DM (and the fallback
when DMs are closed), a review decided by reactions, autocomplete, and a voucher
exchange through slash commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio

from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import (
    Bot,
    active_circle,
    channel_texts,
    dm_texts,
    is_ephemeral,
    started,
    text_of,
)

MANAGE_CHANNELS = 1 << 4


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    async with started(fake_discord, tmp_path) as running:
        yield running


async def test_a_new_circle_gets_its_own_channel_where_notices_go(bot: Bot) -> None:
    channel = await active_circle(bot)
    stored = bot.fake.channels[channel]
    general = bot.fake.channels[bot.fake.general_channel_id]
    assert stored["parent_id"] == general["parent_id"]
    assert stored["topic"] == "Spanish at A2"
    # Becoming active is announced in the circle's own channel, not in #general.
    await bot.fake.wait_until(
        lambda: any("active" in t for t in channel_texts(bot, channel)), what="the announcement"
    )
    assert not any("is now active" in t for t in channel_texts(bot, bot.fake.general_channel_id))


async def test_a_refused_circle_leaves_no_channel_behind(bot: Bot) -> None:
    await bot.people("alice")
    await bot.ok("alice", "circle create", {"name": "dup", "topic": "One"})
    before = len(bot.fake.channels)
    text, callback, _ = await bot.say("alice", "circle create", {"name": "dup", "topic": "Two"})
    assert is_ephemeral(callback) and "dup" in text
    await bot.fake.wait_until(lambda: len(bot.fake.channels) == before, what="the clean-up")
    assert [c["name"] for c in bot.fake.channels.values()].count("dup") == 1


async def test_without_manage_channels_the_circle_lives_where_it_was_created(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    role = fake_discord.roles[fake_discord.guild_id][fake_discord.bot_role_id]
    role["permissions"] = str(int(role["permissions"]) & ~MANAGE_CHANNELS)
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice", "bob", "carol")
        channels = len(fake_discord.channels)
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "Tiny"})
        await bot.ok("bob", "circle join", {"name": "tiny"})
        await bot.ok("carol", "circle join", {"name": "tiny"})
        assert len(fake_discord.channels) == channels
        general = fake_discord.general_channel_id
        await fake_discord.wait_until(
            lambda: any("tiny is now active" in t for t in channel_texts(bot, general)),
            what="the announcement in #general",
        )


async def test_member_notices_are_dms_and_fall_back_to_the_circle_channel(bot: Bot) -> None:
    channel = await active_circle(bot)
    await bot.ok("alice", "circle lead", {"name": "spanish-a2", "member": bot.user("bob")})
    await bot.fake.wait_until(
        lambda: any("Bob is now a lead" in t for t in dm_texts(bot, "bob")), what="bob's DM"
    )
    bot.fake.dms_closed.add(bot.user("carol"))
    await bot.ok("alice", "circle lead", {"name": "spanish-a2", "member": bot.user("carol")})
    mention = f"<@{bot.user('carol')}>"
    await bot.fake.wait_until(
        lambda: any(
            m["content"].startswith(mention) and "Carol is now a lead" in text_of(m)
            for m in bot.fake.messages_in(channel)
        ),
        what="the fallback in the circle channel",
    )
    assert dm_texts(bot, "carol") == []


async def event_in_review(bot: Bot) -> tuple[int, int, str]:
    """An event that bob and carol attended and that has just ended; returns the
    circle channel, the review message and the event number."""
    channel = await active_circle(bot)
    _, _, interaction = await bot.say(
        "alice",
        "event schedule",
        {"circle": "spanish-a2", "title": "Talk", "start": "2026-12-01 10:00", "duration": "1h"},
    )
    reply, _ = await bot.stored(interaction)
    number = str(reply["params"]["number"])
    for member in ("bob", "carol"):
        await bot.ok(member, "event rsvp", {"event": number, "answer": "going"})
    bot.app.clock.advance(timedelta(minutes=50))
    for member in ("bob", "carol"):
        await bot.ok(member, "event checkin", {"event": number})
    # Past the end of check-in (30 minutes after the end), so the voters are known.
    bot.app.clock.advance(timedelta(hours=1, minutes=50))
    await bot.adapter.deliver(await bot.app.core.run_due())
    review = next(
        m for m in reversed(bot.fake.messages_in(channel)) if "review" in text_of(m).lower()
    )
    return channel, int(review["id"]), number


def reactors(bot: Bot, message: int, emoji: str) -> list[int]:
    return list(bot.fake.reactions.get((message, emoji), []))


async def test_a_review_is_decided_by_reactions(bot: Bot) -> None:
    channel, review, number = await event_in_review(bot)
    fake = bot.fake
    assert reactors(bot, review, "✅") == [fake.bot_id]
    assert reactors(bot, review, "❌") == [fake.bot_id]

    await fake.add_reaction(bot.user("bob"), channel, review, "✅")
    await fake.wait_until(
        lambda: any("counted" in t for t in dm_texts(bot, "bob")), what="bob's ballot"
    )
    # Dave sits in the circle but did not attend: his ballot is refused, privately,
    # and his reaction taken off.
    await fake.add_reaction(bot.user("dave"), channel, review, "❌")
    await fake.wait_until(lambda: dm_texts(bot, "dave"), what="dave's refusal")
    await fake.wait_until(
        lambda: bot.user("dave") not in reactors(bot, review, "❌"), what="the removal"
    )
    assert "counted" not in dm_texts(bot, "dave")[0]
    # Taking the reaction off withdraws the ballot.
    await fake.remove_reaction(bot.user("bob"), channel, review, "✅")
    await fake.wait_until(
        lambda: any("withdrawn" in t for t in dm_texts(bot, "bob")), what="the withdrawal"
    )
    status = await bot.ok("alice", "review status", {"event": number})
    assert "0" in status
    # Both attendees vote at level: the review closes at once, validated.
    await fake.add_reaction(bot.user("bob"), channel, review, "✅")
    await fake.add_reaction(bot.user("carol"), channel, review, "✅")
    await fake.wait_until(
        lambda: any("validated" in t.lower() for t in channel_texts(bot, channel)[-3:]),
        what="the review's outcome in the circle channel",
    )
    assert len(dm_texts(bot, "dave")) == 1


async def choices_for(bot: Bot, command: str, options: dict[str, Any], focused: str) -> Any:
    interaction = await bot.fake.send_autocomplete(
        command, options, focused=focused, user_id=bot.user("bob")
    )
    callback = await bot.fake.wait_for_callback(interaction)
    assert callback.type == 8 and callback.data is not None
    return callback.data["choices"]


async def test_autocomplete_offers_circles_events_and_requests(bot: Bot) -> None:
    await active_circle(bot)
    await bot.ok("alice", "circle create", {"name": "rust-club", "topic": "Rust"})
    found = await choices_for(bot, "circle join", {"name": "ru"}, "name")
    assert [c["value"] for c in found] == ["rust-club"]
    found = await choices_for(bot, "circle info", {"name": ""}, "name")
    assert {c["value"] for c in found} == {"rust-club", "spanish-a2"}

    _, _, interaction = await bot.say(
        "alice",
        "event schedule",
        {"circle": "spanish-a2", "title": "Talk", "start": "2026-12-03 18:00", "duration": "1"},
    )
    number = (await bot.stored(interaction))[0]["params"]["number"]
    found = await choices_for(bot, "event rsvp", {"event": ""}, "event")
    assert [c["value"] for c in found] == [str(number)]
    assert found[0]["name"].startswith(f"#{number} Talk")

    await bot.ok("alice", "voucher issue", {"to": bot.user("bob"), "hours": "2", "services": "x"})
    redeem = {"issuer": bot.user("alice"), "hours": "1", "service": "a lesson"}
    _, _, interaction = await bot.say("bob", "voucher redeem", redeem)
    request = (await bot.stored(interaction))[0]["params"]["number"]
    found = await choices_for(bot, "voucher cancel", {"request": "#"}, "request")
    assert [c["value"] for c in found] == [str(request)]
    # Nothing is suggested for a plain text option, and the command itself never ran.
    found = await choices_for(bot, "admin settings", {"name": "circle_size"}, "name")
    assert all(c["value"] for c in found)


async def test_a_voucher_exchange_through_slash_commands(bot: Bot) -> None:
    await bot.people("alice", "bob", "carol")
    issued = await bot.ok(
        "alice", "voucher issue", {"to": bot.user("bob"), "hours": "2", "services": "tutoring"}
    )
    assert "2h" in issued and "Bob" in issued
    await bot.fake.wait_until(
        lambda: any("Alice" in t for t in dm_texts(bot, "bob")), what="bob hears of it"
    )
    given = await bot.ok(
        "bob", "voucher give", {"to": bot.user("carol"), "issuer": bot.user("alice"), "hours": "1"}
    )
    assert "Carol" in given
    text, callback, _ = await bot.say("carol", "voucher balance")
    assert is_ephemeral(callback) and "1h of Alice" in text
    # A quarter-hour rule broken: a private, friendly refusal that changes nothing.
    text, callback, _ = await bot.say(
        "bob",
        "voucher give",
        {"to": bot.user("carol"), "issuer": bot.user("alice"), "hours": "10m"},
    )
    assert is_ephemeral(callback) and "15" in text
    text, _, _ = await bot.say("carol", "voucher balance")
    assert "1h of Alice" in text
