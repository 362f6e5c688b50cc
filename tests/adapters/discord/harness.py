"""A Junto Discord adapter on a core, connected to the loopback FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.app import App
from adapters.discord.client import DiscordAdapter
from adapters.discord.settings import DiscordConfig
from bot.commands import Catalogue, Command
from bot.core import Core
from storage.tables import commands as commands_t
from tests.adapters.discord.fake import FakeDiscord, FakeInteraction
from tests.support import app_on

GUILD_READY_TIMEOUT = 0.05
PEOPLE = ("alice", "bob", "carol", "dave", "erin")
CONTEXTS = {
    "alice": "Bournemouth, UK",
    "bob": "Lagos, Nigeria",
    "carol": "Lima, Peru",
    "dave": "Pune, India",
    "erin": "Oslo, Norway",
}


def text_of(data: Mapping[str, Any] | None) -> str:
    """What a member reads in a message or callback: its content and its embeds."""
    if not data:
        return ""
    parts = [str(data.get("content") or "")]
    for embed in data.get("embeds") or []:
        parts.append(str(embed.get("title") or ""))
        parts.append(str(embed.get("description") or ""))
    return "\n".join(p for p in parts if p)


def is_ephemeral(data: Mapping[str, Any] | None) -> bool:
    return bool(data and int(data.get("flags") or 0) & 64)


@dataclass
class Bot:
    fake: FakeDiscord
    adapter: DiscordAdapter
    app: App

    def user(self, name: str) -> int:
        return self.fake.user_ids[name]

    async def send(
        self, who: str, command: str, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> FakeInteraction:
        return await self.fake.send_slash_command(
            command, dict(options or {}), user_id=self.user(who), **kwargs
        )

    async def answer(self, interaction: FakeInteraction) -> dict[str, Any]:
        """The message that answers an interaction, as its member reads it (after a
        defer, the one that replaced "thinking…")."""
        return await self.fake.wait_for_answer(interaction, timeout=10)

    async def say(
        self, who: str, command: str, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> tuple[str, dict[str, Any], FakeInteraction]:
        """Run a slash command: the text its member reads, that message, the interaction."""
        interaction = await self.send(who, command, options, **kwargs)
        answer = await self.answer(interaction)
        return text_of(answer), answer, interaction

    async def stored(self, interaction: FakeInteraction) -> tuple[dict[str, Any], int | None]:
        """The reply the core kept under the interaction's key, and who it was for
        (None when the command was refused)."""
        table = commands_t.command_keys
        async with self.app.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(table.c.reply, table.c.member_id).where(
                        table.c.key == f"discord:{interaction.id}"
                    )
                )
            ).one()
        return dict(row.reply), row.member_id

    async def answer_post(self, interaction: FakeInteraction) -> int:
        """The id of the public message that answered an interaction."""
        message = await self.answer(interaction)
        assert not is_ephemeral(message) and "id" in message, message
        return int(message["id"])

    async def ok(
        self, who: str, command: str, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> str:
        text, _, interaction = await self.say(who, command, options, **kwargs)
        assert "went wrong" not in text, text
        assert interaction.callbacks and not interaction.rejected_callbacks
        return text

    async def people(self, *names: str) -> None:
        for name in names:
            await self.ok(name, "profile set", {"context": CONTEXTS[name]})


MANAGE_GUILD = 1 << 5


def add_people(fake: FakeDiscord) -> None:
    """Five members; alice may Manage Server, so she is one of the community's admins."""
    if "erin" in fake.user_ids:
        return
    organisers = fake.add_role(fake.guild_id, "Organisers", permissions=MANAGE_GUILD)
    for name in PEOPLE:
        if name not in fake.user_ids:
            fake.add_user(name, guild_id=fake.guild_id)
    fake.members[(fake.guild_id, fake.user_ids["alice"])]["roles"].append(str(organisers))


@asynccontextmanager
async def started(
    fake: FakeDiscord,
    tmp_path: Path,
    engine: str = "sqlite",
    *,
    config: DiscordConfig | None = None,
    custom: Sequence[Command] = (),
    **defaults: object,
) -> AsyncIterator[Bot]:
    """A core on a fresh database (with `custom` commands added to the catalogue) and
    the adapter connected to the fake."""
    add_people(fake)
    async with app_on(engine, tmp_path, **defaults) as app:
        fake.clock = app.clock.now
        core = app.core
        if custom:
            core = Core(
                core.uow_factory,
                core.clock,
                Catalogue([*core.catalogue, *custom]),
                core.defaults,
                reaction_handlers=core.reaction_handlers,
                due_work=core.due_work,
            )
            app = replace(app, core=core)
        adapter = DiscordAdapter(
            core,
            config or DiscordConfig(token=fake.token),
            guild_ready_timeout=GUILD_READY_TIMEOUT,
        )
        async with fake.run_client(adapter.client):
            yield Bot(fake, adapter, app)


def dm_texts(bot: Bot, name: str) -> list[str]:
    fake = bot.fake
    user = str(bot.user(name))
    return [
        text_of(m)
        for channel_id, channel in list(fake.channels.items())
        if channel["type"] == 1 and channel["recipients"][0]["id"] == user
        for m in fake.messages_in(channel_id)
    ]


def channel_texts(bot: Bot, channel_id: int) -> list[str]:
    return [text_of(m) for m in bot.fake.messages_in(channel_id)]


def channel_named(bot: Bot, name: str) -> int:
    return next(
        int(c["id"])
        for c in bot.fake.channels.values()
        if c.get("guild_id") == str(bot.fake.guild_id) and c.get("name") == name
    )


async def active_circle(bot: Bot, name: str = "spanish-a2") -> int:
    """A circle of alice (lead), bob, carol and dave; returns its channel."""
    await bot.people("alice", "bob", "carol", "dave")
    await bot.ok("alice", "circle create", {"name": name, "topic": "Spanish at A2"})
    for member in ("bob", "carol", "dave"):
        await bot.ok(member, "circle join", {"name": name})
    return channel_named(bot, name)
