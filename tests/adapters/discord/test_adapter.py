"""The Discord adapter driven through the loopback FakeDiscord: slash commands, replies,
autocomplete, circle channels, and answering every interaction exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import func, select

from adapters.discord.commands import payloads
from bot.catalogue import default_catalogue
from storage.tables import circles as circles_t
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import Bot, is_ephemeral, started


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    async with started(fake_discord, tmp_path) as running:
        yield running


async def count(bot: Bot, table: object) -> int:
    async with bot.app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_start_syncs_the_whole_catalogue_once(bot: Bot) -> None:
    fake = bot.fake
    registered = {c["name"]: c for c in fake.global_commands}
    wanted = payloads(default_catalogue())
    assert sorted(registered) == sorted(c["name"] for c in wanted)
    covered = set()
    for command in registered.values():
        subs = [o for o in command.get("options", []) if o["type"] == 1]
        if subs:
            covered |= {f"{command['name']} {o['name']}" for o in subs}
        else:
            covered.add(command["name"])
    assert covered == set(default_catalogue().names())
    assert bot.adapter.last_sync is not None and bot.adapter.last_sync.synced
    puts = [r for r in fake.requests if r.method == "PUT" and r.route and "commands" in r.route]
    assert len(puts) == 1
    # A second start against the same application finds nothing to change.
    again = await bot.adapter.sync_commands()
    assert not again.synced
    assert len([r for r in fake.requests if r.method == "PUT"]) == 1
    assert fake.unknown_routes == []


async def test_a_slash_command_becomes_one_core_call_and_one_answer(bot: Bot) -> None:
    await bot.people("alice", "bob")
    text, callback, interaction = await bot.say(
        "alice", "circle create", {"name": "spanish-a2", "topic": "Spanish at A2"}
    )
    assert not is_ephemeral(callback)
    assert "spanish-a2" in text
    assert len(interaction.callbacks) == 1 and interaction.rejected_callbacks == []
    text = await bot.ok("bob", "circle join", {"name": "spanish-a2"})
    assert "Welcome to spanish-a2" in text
    info = await bot.ok("bob", "circle info", {"name": "spanish-a2"})
    assert "Alice" in info and "Bob" in info


async def test_errors_are_private_and_say_what_to_do(bot: Bot) -> None:
    text, callback, _ = await bot.say("alice", "circle join", {"name": "nope"})
    assert is_ephemeral(callback)
    assert "nope" in text and "/circle" in text
    assert await count(bot, circles_t.circle_seats) == 0
