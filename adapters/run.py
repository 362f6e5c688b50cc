"""Composition root: config -> storage -> core -> adapters."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.config import Config, ConfigError
from adapters.console.console import Console
from bot.catalogue import default_catalogue
from bot.clock import ManualClock, SystemClock
from bot.core import CommunitySpec, Core
from bot.credentials.identity import CredentialsConfig
from bot.jobs import JobRunner, default_handlers
from bot.services import badges, reviews
from bot.services.agreements import expire_escrows
from bot.services.auctions import end_auctions
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory

log = logging.getLogger("junto")


@dataclass
class App:
    core: Core
    engine: AsyncEngine
    clock: ManualClock | SystemClock
    jobs: JobRunner | None = None


async def build(
    database_url: str,
    *,
    clock: ManualClock | SystemClock | None = None,
    defaults: Mapping[str, Any] | None = None,
    schema: str | None = None,
    credentials: CredentialsConfig | None = None,
) -> App:
    engine = make_engine(database_url, schema=schema)
    await upgrade(engine)
    the_clock = clock or SystemClock()
    uow_factory = SqlUnitOfWorkFactory(engine)
    jobs = JobRunner(uow_factory, the_clock, default_handlers(), defaults=defaults)
    core = Core(
        uow_factory,
        the_clock,
        badges.with_automatic_awards(default_catalogue()),
        defaults,
        reaction_handlers={"review": reviews.on_reaction},
        due_work=[jobs.due_work],
        credentials=credentials,
    )
    jobs.add_sweeps(core, [expire_escrows, end_auctions])
    return App(core, engine, the_clock, jobs)


def console_community(config: Mapping[str, Any] | None) -> CommunitySpec:
    slug = str((config or {}).get("community", "console"))
    return CommunitySpec(slug=slug, name=slug, first_speaker_admin=True)


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
    if config.discord is not None:
        from adapters.discord.service import run_discord

        chat.append(run_discord(config))
    if config.matrix is not None:
        from adapters.matrix.runner import run_matrix

        chat.append(run_matrix(config))
    if chat:
        await asyncio.gather(*chat)
        return
    if config.console is None:
        raise ConfigError(
            "nothing to run: add a [console], [discord] or [matrix] table to the config"
        )
    await run_console(config.database_url, config=config)
