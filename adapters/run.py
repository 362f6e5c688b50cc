"""Starts what a process is given: the console, or the chat adapters a config names."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from adapters.app import build, console_community
from adapters.config import Config
from adapters.console.console import Console
from adapters.database import check, require_writable
from adapters.discord.service import run_discord
from adapters.errors import ConfigError
from adapters.matrix.runner import run_matrix
from bot.clock import ManualClock, SystemClock

log = logging.getLogger("junto")


def settle_heap() -> None:
    """Keep what start-up made out of the garbage collector's full passes.

    The libraries and the app make a few hundred thousand long-lived objects;
    every full collection walked them all, a pause of 200 ms or more in the
    middle of a command, past Discord's moment for answering at once."""
    gc.collect()
    gc.freeze()


async def run_console(
    database_url: str,
    *,
    start: datetime | None = None,
    stream: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    config: Config | None = None,
) -> None:
    clock = ManualClock(start) if start else SystemClock()
    app = await build(
        database_url,
        clock=clock,
        defaults=config.defaults if config else None,
        credentials=config.credentials if config else None,
    )
    settle_heap()
    try:
        console_config = config.console if config else None
        console = Console(
            app.core,
            clock,
            out,
            console_community(console_config),
            prefix=str((console_config or {}).get("prefix", "!")),
            files=Path("junto-out"),
        )
        # On a real clock due jobs run by themselves; a fixed clock waits for `:advance`.
        stop = asyncio.Event()
        loop = None
        if start is None and app.jobs is not None:
            loop = asyncio.create_task(app.jobs.run_forever(stop, console._deliver_notices))
        try:
            await console.run(stream)
        finally:
            stop.set()
            if loop is not None:
                await loop
    finally:
        await app.engine.dispose()


async def run_configured(config: Config) -> None:
    """Start every adapter the config names."""
    chat: list[Coroutine[Any, Any, None]] = []
    if config.discord is not None or config.matrix is not None:
        check(config.database_url, write=True, create=True)
        await require_writable(config.database_url)
        app = await build(
            config.database_url, defaults=config.defaults, credentials=config.credentials
        )
        settle_heap()
        try:
            if config.discord is not None:
                chat.append(run_discord(app, config.discord))
            if config.matrix is not None:
                chat.append(run_matrix(app, config.matrix))
            await asyncio.gather(*chat)
        finally:
            await app.engine.dispose()
        return
    # Not the console: it reads a terminal, and `junto run` serves chat platforms.
    raise ConfigError(
        "nothing to run: the config enables no chat platform; add a [discord] or "
        "[matrix] table (`junto console --config FILE` runs the [console] community)"
    )
