"""Every interaction answered exactly once, whatever happens: redelivery, a slow or
failing core, a dropped gateway, a 429; and no secret in the logs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.discord.client import DiscordAdapter
from adapters.discord.redaction import hide_secrets
from adapters.discord.settings import DiscordConfig
from bot.commands import Command, Ctx, Who
from bot.core import Call, Core
from bot.replies import Outcome, Reply
from storage.tables import circles as circles_t
from storage.tables import commands as commands_t
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import (
    Bot,
    is_ephemeral,
    started,
    text_of,
)


async def count(bot: Bot, table: Any) -> int:
    async with bot.app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_redelivered_interaction_changes_nothing_and_is_answered_once(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice", "bob")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "Tiny", "size": 3})
        interaction = await bot.send("bob", "circle join", {"name": "tiny"})
        await bot.answer(interaction)
        seats, audit = await count(bot, circles_t.circle_seats), await count(bot, commands_t.audit)
        await fake_discord.redeliver(interaction)
        # The next command is answered after the redelivery was handled (events are in order).
        await bot.ok("alice", "circle list")
        assert interaction.deliveries == 2
        assert len(interaction.attempts) == 1 and len(interaction.callbacks) == 1
        assert (await count(bot, circles_t.circle_seats), await count(bot, commands_t.audit)) == (
            seats,
            audit,
        )


async def test_two_processes_given_one_interaction_make_one_change(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """As when a shard's connection moves: both copies run; the core's key keeps one effect,
    and Discord accepts one answer; the other process takes its refusal quietly."""
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice", "bob")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "Tiny"})
        second = DiscordAdapter(
            bot.app.core, DiscordConfig(token=fake_discord.token), guild_ready_timeout=0.05
        )
        async with fake_discord.run_client(second.client):
            interaction = await bot.send("bob", "circle join", {"name": "tiny"})
            await bot.answer(interaction)
            await fake_discord.wait_until(
                lambda: len(interaction.attempts) == 2, what="both processes to answer"
            )
            assert len(interaction.callbacks) == 1
            assert [a.error_code for a in interaction.rejected_callbacks] == [40060]
            assert await count(bot, circles_t.circle_seats) == 2


async def test_a_slow_command_is_deferred_and_answered_within_the_deadline(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async def slow(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        await asyncio.sleep(1.5)
        return Reply("circle.list_empty")

    async with started(
        fake_discord, tmp_path, custom=[Command("slow", (), "x", Who.ANYONE, slow)]
    ) as bot:
        text, _answer, interaction = await bot.say("alice", "slow")
        [deferral] = interaction.callbacks
        assert deferral.type == 5
        assert deferral.at - interaction.created_at < 3.0
        assert "no circles" in text.lower()
        assert interaction.rejected_callbacks == []


async def test_every_command_is_acknowledged_privately_before_it_runs(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """No public "thinking…" flashes before a private answer; a public answer gets a
    message of its own in place of the private one."""
    ran_at: list[float] = []

    async def noted(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        ran_at.append(asyncio.get_running_loop().time())
        return Reply("circle.list_empty")

    async with started(
        fake_discord, tmp_path, custom=[Command("noted", (), "x", Who.ANYONE, noted)]
    ) as bot:
        _, _, interaction = await bot.say("alice", "noted")
        [deferral] = interaction.callbacks
        assert deferral.type == 5 and deferral.data == {"flags": 64}
        assert deferral.at <= ran_at[0]  # acknowledged first, then run
        # A private answer (an error) fills the private "thinking…" message.
        text, answer, interaction = await bot.say("alice", "circle join", {"name": "nope"})
        assert interaction.callbacks[0].data == {"flags": 64}
        assert is_ephemeral(answer) and "nope" in text
        assert interaction.followup_message_ids == []
        # A public answer: the private "thinking…" is gone, a public message instead.
        await bot.people("bob")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "Tiny"})
        text, answer, interaction = await bot.say("bob", "circle join", {"name": "tiny"})
        assert interaction.callbacks[0].data == {"flags": 64}
        assert not is_ephemeral(answer) and "Welcome to tiny" in text
        assert interaction.original_message_id not in fake_discord.messages
        shown = [m for m in fake_discord.messages.values() if not int(m["flags"]) & 64]
        assert not any(int(m["flags"]) & 128 for m in shown)  # no public loading message


async def test_an_interaction_acknowledged_too_late_is_not_acted_on(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Discord's three seconds passed (or a RESUME replayed it late): the deferral is
    refused with 10062, and the command does not run, so the member's retry with a
    new interaction is the only one that acts."""
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice", "bob")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "Tiny"})
        seats = await count(bot, circles_t.circle_seats)
        fake_discord.interaction_deadline = 0.0
        late = await bot.send("bob", "circle join", {"name": "tiny"})
        await fake_discord.wait_until(lambda: late.attempts, what="the late deferral")
        assert [a.error_code for a in late.attempts] == [10062]
        fake_discord.interaction_deadline = 3.0
        await bot.ok("alice", "circle list")  # handled after the late one: events are in order
        assert late.callbacks == [] and len(late.attempts) == 1
        assert await count(bot, circles_t.circle_seats) == seats
        text = await bot.ok("bob", "circle join", {"name": "tiny"})
        assert "Welcome to tiny" in text
        assert await count(bot, circles_t.circle_seats) == seats + 1


async def test_a_failing_command_is_answered_privately(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async def explode(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        raise KeyError("boom")

    async with started(
        fake_discord, tmp_path, custom=[Command("explode", (), "x", Who.ANYONE, explode)]
    ) as bot:
        text, answer, _ = await bot.say("alice", "explode")
        assert is_ephemeral(answer)
        assert "went wrong" in text and "reference" in text


class BrokenCore(Core):
    """A core whose storage is gone: every call raises."""

    async def run(self, call: Call) -> Outcome:
        raise ConnectionError("database unreachable")


async def test_a_core_that_raises_never_leaves_an_interaction_unanswered(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        core = bot.app.core
        broken = BrokenCore(core.uow_factory, core.clock, core.catalogue)
        adapter = DiscordAdapter(
            broken, DiscordConfig(token=fake_discord.token), guild_ready_timeout=0.05
        )
        await bot.adapter.close()
        async with fake_discord.run_client(adapter.client):
            interaction = await bot.send("alice", "circle list")
            answer = await fake_discord.wait_for_answer(interaction)
            assert is_ephemeral(answer) and "went wrong" in text_of(answer)


async def test_the_gateway_drops_and_the_session_resumes(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        await bot.people("alice")
        resumed = bot.adapter.client.wait_for("resumed", timeout=5)
        await fake_discord.drop_gateway(4000)
        # Sent while the client reconnects: it comes with the replay on RESUME.
        interaction = await bot.send("alice", "circle create", {"name": "after", "topic": "T"})
        await resumed
        answer = await bot.answer(interaction)
        assert "after" in text_of(answer)
        assert fake_discord.identify_count == 1 and fake_discord.resume_count >= 1
        assert fake_discord.gateway_connections[-1].resumed


async def test_a_429_is_waited_out_and_the_answer_still_arrives(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with started(fake_discord, tmp_path) as bot:
        rule = fake_discord.rate_limit_next(
            "POST", r"^/interactions/\d+/[^/]+/callback$", retry_after=0.3
        )
        text, _, interaction = await bot.say("alice", "circle list")
        assert "circle" in text.lower()
        assert rule.hits and rule.remaining == 0
        statuses = [
            r.status for r in fake_discord.requests if r.route and r.route.endswith("/callback")
        ]
        assert statuses == [429, 204] or statuses == [429, 200]
        assert interaction.callbacks[0].at - rule.hits[0] >= 0.3
        # A 429 on posting to a channel delays a notice, and it still goes out.
        fake_discord.rate_limit_next("POST", r"^/channels/\d+/messages$", retry_after=0.2)
        await bot.people("bob", "carol")
        await bot.ok("alice", "circle create", {"name": "tiny", "topic": "T", "size": 3})
        await bot.ok("bob", "circle join", {"name": "tiny"})
        await bot.ok("carol", "circle join", {"name": "tiny"})
        await fake_discord.wait_until(
            lambda: any(
                "tiny is now active" in text_of(m)
                for c in fake_discord.channels
                if fake_discord.channels[c]["type"] == 0
                for m in fake_discord.messages_in(c)
            ),
            what="the notice",
        )


async def test_no_token_reaches_the_logs(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    undo = hide_secrets([fake_discord.token], [caplog.handler])
    try:
        async with started(fake_discord, tmp_path) as bot:
            _, _, interaction = await bot.say("alice", "circle list")
            await bot.say(
                "alice",
                "circle join",
                {"name": "nope"},
            )
    finally:
        undo()
    logged = caplog.text
    assert "INTERACTION_CREATE" in logged or "/callback" in logged
    assert fake_discord.token not in logged
    assert interaction.token not in logged
    assert "[hidden]" in logged
