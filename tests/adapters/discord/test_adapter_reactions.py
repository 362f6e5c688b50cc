"""Ballots by reaction as Discord sends them: a moderator clearing reactions (all, or
one emoji), super reactions beside normal ones, other bots' reactions, and an add
quickly followed by a remove."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import func, select

from bot.core import Reaction
from bot.replies import Outcome
from storage.tables.reviews import review_ballots
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import Bot, dm_texts, started
from tests.adapters.discord.test_adapter_flows import event_in_review, reactors


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    async with started(fake_discord, tmp_path) as running:
        yield running


async def ballots(bot: Bot) -> int:
    async with bot.app.engine.connect() as conn:
        found = await conn.execute(select(func.count()).select_from(review_ballots))
        return int(found.scalar_one())


async def counted(bot: Bot, name: str, times: int = 1) -> None:
    await bot.fake.wait_until(
        lambda: sum("counted" in t for t in dm_texts(bot, name)) >= times,
        what=f"{name}'s ballot",
    )


async def withdrawn(bot: Bot, name: str, times: int = 1) -> None:
    await bot.fake.wait_until(
        lambda: sum("withdrawn" in t for t in dm_texts(bot, name)) >= times,
        what=f"{name}'s ballot withdrawn",
    )


async def test_a_moderator_clearing_all_reactions_withdraws_the_ballots(bot: Bot) -> None:
    channel, review, _ = await event_in_review(bot)
    fake = bot.fake
    await fake.add_reaction(bot.user("bob"), channel, review, "✅")
    await counted(bot, "bob")
    assert await ballots(bot) == 1
    await fake.clear_reactions(channel, review)
    await withdrawn(bot, "bob")
    assert await ballots(bot) == 0
    # Junto's own ✅ and ❌ are back, so people can vote again.
    await fake.wait_until(
        lambda: (
            reactors(bot, review, "✅") == [fake.bot_id]
            and reactors(bot, review, "❌") == [fake.bot_id]
        ),
        what="the voting reactions back",
    )
    await fake.add_reaction(bot.user("bob"), channel, review, "❌")
    await counted(bot, "bob", 2)
    assert await ballots(bot) == 1


async def test_clearing_one_emoji_withdraws_only_the_ballots_it_cast(bot: Bot) -> None:
    channel, review, _ = await event_in_review(bot)
    fake = bot.fake
    await fake.add_reaction(bot.user("bob"), channel, review, "✅")
    await counted(bot, "bob")
    await fake.clear_reactions(channel, review, "❌")
    await fake.wait_until(lambda: reactors(bot, review, "❌") == [fake.bot_id], what="❌ put back")
    await bot.ok("alice", "circle list")
    assert await ballots(bot) == 1
    assert not any("withdrawn" in t for t in dm_texts(bot, "bob"))
    await fake.clear_reactions(channel, review, "✅")
    await withdrawn(bot, "bob")
    assert await ballots(bot) == 0


async def test_a_super_reaction_and_a_normal_one_are_one_ballot(bot: Bot) -> None:
    channel, review, _ = await event_in_review(bot)
    fake = bot.fake
    bob = bot.user("bob")
    await fake.add_reaction(bob, channel, review, "✅")
    await counted(bot, "bob")
    await fake.add_reaction(bob, channel, review, "✅", burst=True)
    await fake.remove_reaction(bob, channel, review, "✅")  # the normal one goes
    await bot.ok("alice", "circle list")  # the events before it were handled
    assert await ballots(bot) == 1  # the super reaction still stands
    assert sum("counted" in t for t in dm_texts(bot, "bob")) == 1
    await fake.remove_reaction(bob, channel, review, "✅", burst=True)
    await withdrawn(bot, "bob")
    assert await ballots(bot) == 0


async def test_other_bots_reactions_are_no_ballots(bot: Bot) -> None:
    channel, review, _ = await event_in_review(bot)
    fake = bot.fake
    other = fake.add_user("pollbot", bot=True, guild_id=fake.guild_id)
    await fake.add_reaction(other, channel, review, "✅")
    await fake.remove_reaction(other, channel, review, "✅")
    await fake.add_reaction(other, channel, review, "❌")
    await bot.ok("alice", "circle list")
    assert await ballots(bot) == 0
    assert other in reactors(bot, review, "❌")  # not taken off as a refused ballot
    assert not any(r.method == "DELETE" and str(other) in r.path for r in fake.requests)


async def test_an_add_quickly_followed_by_a_remove_ends_with_no_ballot(bot: Bot) -> None:
    channel, review, _ = await event_in_review(bot)
    fake = bot.fake
    bob = bot.user("bob")
    react = bot.adapter.core.react

    async def slow_adds(reaction: Reaction) -> Outcome | None:
        # An add that takes longer than the remove after it, as under load.
        if reaction.added:
            await asyncio.sleep(0.2)
        return await react(reaction)

    bot.adapter.core.react = slow_adds  # type: ignore[method-assign]
    await fake.add_reaction(bob, channel, review, "✅")
    await fake.remove_reaction(bob, channel, review, "✅")
    await withdrawn(bot, "bob")
    assert await ballots(bot) == 0
