"""Composition root: config -> storage -> core -> adapters."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
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
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory

log = logging.getLogger("junto")


@dataclass
class App:
    core: Core
    engine: AsyncEngine
    clock: ManualClock | SystemClock


async def build(
    database_url: str,
    *,
    clock: ManualClock | SystemClock | None = None,
    defaults: Mapping[str, Any] | None = None,
    schema: str | None = None,
) -> App:
    engine = make_engine(database_url, schema=schema)
    await upgrade(engine)
    the_clock = clock or SystemClock()
    core = Core(SqlUnitOfWorkFactory(engine), the_clock, default_catalogue(), defaults)
    return App(core, engine, the_clock)


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
    app = await build(database_url, clock=clock, defaults=config.defaults if config else None)
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
        await console.run(stream)
    finally:
        await app.engine.dispose()


async def run_configured(config: Config) -> None:
    """Start every adapter the config names."""
    missing = [name for name in ("discord", "matrix") if getattr(config, name) is not None]
    if missing:
        raise ConfigError(
            "this version of Junto has no "
            + " or ".join(f"[{m}]" for m in missing)
            + " adapter yet; remove the table, or try the community with `junto console`"
        )
    if config.console is None:
        raise ConfigError(
            "nothing to run: add a [console] table (or, later, [discord] or [matrix]) to the config"
        )
    await run_console(config.database_url, config=config)
