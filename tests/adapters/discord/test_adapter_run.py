"""`junto run` with a `[discord]` table against the fake, the table's checks, and shards."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import discord
import discord.gateway
import discord.http
import pytest

from adapters.config import parse
from adapters.discord.client import DiscordAdapter, discord_urls
from adapters.discord.commands import payloads
from adapters.discord.settings import TOKEN_ENV, DiscordConfig, parse_discord
from adapters.errors import ConfigError
from bot.catalogue import default_catalogue
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import is_ephemeral, text_of
from tests.support import app_on

ROOT = Path(__file__).parents[3]


async def test_discord_urls_are_set_and_restored() -> None:
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with discord_urls("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9/gateway"):
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    restored = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert restored == (base, gateway)


def test_the_discord_table_is_checked() -> None:
    config = parse_discord(
        {
            "token": "t0ken",
            "sync_guild": "123456789012345678",
            "api_base": "http://127.0.0.1:9/api/v10/",
            "gateway_url": "ws://127.0.0.1:9/gateway",
            "shard_ids": [1],
            "shard_count": 2,
            "communities": {"123456789012345678": "spanish-school"},
        },
        environ={},
    )
    assert config.sync_guild == 123456789012345678
    assert config.api_base == "http://127.0.0.1:9/api/v10"
    assert config.shard_ids == (1,) and config.shard_count == 2
    assert config.community_slug(123456789012345678) == "spanish-school"
    assert config.community_slug(42) == "discord-42"
    assert "t0ken" not in repr(config)
    assert parse_discord({"token": "file"}, environ={TOKEN_ENV: "env"}).token == "env"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({}, "JUNTO_DISCORD_TOKEN"),
        ({"token": "t", "tokn": "x"}, "no key 'tokn'"),
        ({"token": "t", "sync_guild": "general"}, "sync_guild must be a Discord id"),
        ({"token": "t", "api_base": "discord.com/api"}, "api_base must be a URL"),
        ({"token": "t", "gateway_url": "http://x"}, "gateway_url must be a URL starting with ws"),
        ({"token": "t", "shard_ids": [0]}, "shard_ids needs shard_count"),
        ({"token": "t", "shard_count": 2, "shard_ids": [2]}, "from 0 to 1"),
        ({"token": "t", "shard_count": 0}, "shard_count must be"),
        ({"token": "t", "communities": {"x": "y"}}, "must be a Discord id"),
        ({"token": "t", "circle_channels": "yes"}, "true or false"),
    ],
)
def test_a_bad_discord_table_names_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=r"\[discord\]") as raised:
        parse({"discord": table}, "junto.toml")
    assert message in str(raised.value)


async def test_two_shard_processes_split_the_guilds(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """Each process names its shard; the guild's interactions reach only its owner, and
    both share the one database."""
    fake = fake_discord
    async with app_on("sqlite", tmp_path) as app:
        adapters = [
            DiscordAdapter(
                app.core,
                DiscordConfig(token=fake.token, shard_ids=(shard,), shard_count=2),
                guild_ready_timeout=0.05,
            )
            for shard in (0, 1)
        ]
        async with fake.run_client(adapters[0].client), fake.run_client(adapters[1].client):
            identified = [p["d"]["shard"] for p in fake.gateway_received if p.get("op") == 2]
            assert sorted(identified) == [[0, 2], [1, 2]]
            owner = (fake.guild_id >> 22) % 2
            assert adapters[owner].client.get_guild(fake.guild_id) is not None
            assert adapters[1 - owner].client.get_guild(fake.guild_id) is None
            interaction = await fake.send_slash_command("circle list")
            await fake.wait_for_callback(interaction)
            assert interaction.deliveries == 1 and len(interaction.attempts) == 1


async def test_commands_sync_to_one_guild_when_asked(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    config = DiscordConfig(token=fake_discord.token, sync_guild=fake_discord.guild_id)
    async with app_on("sqlite", tmp_path) as app:
        adapter = DiscordAdapter(app.core, config, guild_ready_timeout=0.05)
        async with fake_discord.run_client(adapter.client):
            stored = fake_discord.guild_commands[fake_discord.guild_id]
            assert len(stored) == len(payloads(default_catalogue()))
            assert fake_discord.global_commands == []
            interaction = await fake_discord.send_slash_command("circle list")
            assert interaction.payload["data"]["guild_id"] == str(fake_discord.guild_id)
            answer = await fake_discord.wait_for_answer(interaction)
            assert "circle" in text_of(answer).lower()


async def test_junto_run_serves_a_discord_compatible_server(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """The way it is checked: only api_base, gateway_url and token in the table."""
    fake = fake_discord
    config = tmp_path / "junto.toml"
    config.write_text(
        f"[storage]\nurl = '{tmp_path / 'run.db'}'\n"
        f"[discord]\napi_base = '{fake.api_base}'\ngateway_url = '{fake.gateway_url}'\n"
        f"token = '{fake.token}'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        "--config",
        str(config),
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until(
            lambda: fake.global_commands and fake.identify_count, timeout=30, what="sync"
        )
        # The client has the guild once it answers; ask until it does.
        covered = {
            f"{c['name']} {o['name']}" if o["type"] == 1 else c["name"]
            for c in fake.global_commands
            for o in (c.get("options") or [{"type": 0}])
        }
        assert set(default_catalogue().names()) <= covered
        alice, bob = fake.user_ids["alice"], fake.user_ids["bob"]
        interaction = await fake.send_slash_command(
            "profile set", {"context": "Bournemouth, UK"}, user_id=alice
        )
        answer = await fake.wait_for_answer(interaction, timeout=10)
        assert is_ephemeral(answer) and "Bournemouth" in text_of(answer)
        interaction = await fake.send_slash_command(
            "circle create", {"name": "spanish-a2", "topic": "Spanish at A2"}, user_id=alice
        )
        answer = await fake.wait_for_answer(interaction, timeout=10)
        assert "spanish-a2" in text_of(answer)
        interaction = await fake.send_slash_command(
            "circle join", {"name": "spanish-a2"}, user_id=bob
        )
        answer = await fake.wait_for_answer(interaction, timeout=10)
        assert "Welcome to spanish-a2" in text_of(answer)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    assert fake.token not in stderr.decode()
