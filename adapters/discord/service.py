"""`junto run` with a `[discord]` table: the Discord client and due work on the app it
is given."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

import discord

from adapters.app import App
from adapters.discord.client import DiscordAdapter, discord_urls
from adapters.discord.redaction import hide_secrets
from adapters.discord.settings import DiscordConfig
from adapters.errors import ConfigError
from bot.replies import Notice

log = logging.getLogger(__name__)

DUE_INTERVAL = 5.0


async def run_due_forever(
    app: App, adapter: DiscordAdapter, stop: asyncio.Event, interval: float = DUE_INTERVAL
) -> None:
    """Reminders, reviews, nudges, escrows and auctions, delivered on Discord.

    Jobs keep their notices until delivered, so a failed delivery is tried again;
    several processes on one PostgreSQL database share the jobs."""
    jobs = app.jobs
    others = [w for w in app.core.due_work if jobs is None or w != jobs.due_work]

    async def deliver(notices: Sequence[Notice]) -> list[Notice]:
        await adapter.client.wait_until_ready()
        return await adapter.deliver(notices)

    while not stop.is_set():
        try:
            if jobs is not None:
                await jobs.run_due(deliver)
            for work in others:
                notices = await work(app.core)
                if notices:
                    await deliver(notices)
        except Exception:  # one bad pass must not stop the loop
            log.exception("a pass over due work failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def run_discord(
    app: App, settings: DiscordConfig, *, stop: asyncio.Event | None = None
) -> None:
    """Serve the guilds the bot is in until stopped (SIGTERM, or `stop`)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    undo = hide_secrets([settings.token])
    try:
        with discord_urls(settings.api_base, settings.gateway_url):
            adapter = DiscordAdapter(app.core, settings)
            client = asyncio.ensure_future(adapter.start())
            due = asyncio.ensure_future(run_due_forever(app, adapter, stop))
            stopped = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({client, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.set()
                await adapter.close()
                await due
                stopped.cancel()
            if client.done() and not client.cancelled() and client.exception() is not None:
                error = client.exception()
                if isinstance(error, discord.LoginFailure):
                    raise ConfigError(
                        "[discord] Discord refused the token; check JUNTO_DISCORD_TOKEN"
                    ) from None
                assert error is not None
                raise error
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)
        undo()
