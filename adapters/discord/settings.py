"""The `[discord]` table of the config file, checked before anything connects.

Kept free of discord.py so the config loader can check it without the client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

TOKEN_ENV = "JUNTO_DISCORD_TOKEN"
KEYS = {
    "token",
    "sync_guild",
    "api_base",
    "gateway_url",
    "shard_ids",
    "shard_count",
    "communities",
    "circle_channels",
}


@dataclass(frozen=True)
class DiscordConfig:
    # Never shown: a config printed in a log must not carry the bot's credentials.
    token: str = field(repr=False)
    sync_guild: int | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None
    # A guild id -> the community slug it is, when not the default `discord-<guild id>`.
    communities: Mapping[int, str] = field(default_factory=dict)
    # Whether `circle create` gives each circle a channel when the bot may make one.
    circle_channels: bool = True

    def community_slug(self, guild_id: int) -> str:
        return self.communities.get(guild_id, f"discord-{guild_id}")


def _snowflake(value: Any, what: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 2**64:
        raise ValueError(f"{what} must be a Discord id (a number such as 123456789012345678)")
    return int(text)


def _url(value: Any, key: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(str(value))
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ValueError(
            f"{key} must be a URL starting with " + " or ".join(f"{s}://" for s in schemes)
        )
    return str(value).rstrip("/")


def parse_discord(
    table: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> DiscordConfig:
    """The checked table; a ValueError's text says which key is wrong and how."""
    env = os.environ if environ is None else environ
    for key in table:
        if key not in KEYS:
            raise ValueError(f"has no key {key!r}; expected " + ", ".join(sorted(KEYS)))
    token = env.get(TOKEN_ENV) or table.get("token")
    if not isinstance(token, str) or not token.strip():
        raise ValueError(f'needs the bot token: set {TOKEN_ENV} (better) or token = "..."')
    sync_guild = table.get("sync_guild")
    api_base = table.get("api_base")
    gateway_url = table.get("gateway_url")
    shard_count = table.get("shard_count")
    if shard_count is not None and (
        isinstance(shard_count, bool) or not isinstance(shard_count, int) or shard_count < 1
    ):
        raise ValueError("shard_count must be a whole number of shards, 1 or more")
    shard_ids = table.get("shard_ids")
    ids: tuple[int, ...] | None = None
    if shard_ids is not None:
        if shard_count is None:
            raise ValueError("shard_ids needs shard_count, the number of shards in all")
        if not isinstance(shard_ids, list) or not shard_ids:
            raise ValueError("shard_ids must be a list of shard numbers, e.g. [0, 1]")
        for shard in shard_ids:
            if (
                isinstance(shard, bool)
                or not isinstance(shard, int)
                or not 0 <= shard < shard_count
            ):
                raise ValueError(f"shard_ids must be numbers from 0 to {shard_count - 1}")
        if len(set(shard_ids)) != len(shard_ids):
            raise ValueError("shard_ids lists a shard twice")
        ids = tuple(shard_ids)
    communities = table.get("communities", {})
    if not isinstance(communities, dict):
        raise ValueError('communities must be a table of guild id = "community slug"')
    mapping: dict[int, str] = {}
    for guild, slug in communities.items():
        if not isinstance(slug, str) or not slug.strip():
            raise ValueError(f"communities: guild {guild} needs a community slug (text)")
        mapping[_snowflake(guild, f"communities: {guild!r}")] = slug.strip()
    circle_channels = table.get("circle_channels", True)
    if not isinstance(circle_channels, bool):
        raise ValueError("circle_channels must be true or false")
    return DiscordConfig(
        token=token.strip(),
        sync_guild=_snowflake(sync_guild, "sync_guild") if sync_guild is not None else None,
        api_base=_url(api_base, "api_base", ("http", "https")) if api_base is not None else None,
        gateway_url=_url(gateway_url, "gateway_url", ("ws", "wss"))
        if gateway_url is not None
        else None,
        shard_ids=ids,
        shard_count=shard_count,
        communities=mapping,
        circle_channels=circle_channels,
    )
