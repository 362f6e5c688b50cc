"""Composition root: config -> storage -> core. The runners in `adapters.run` and
each platform's service start from what `build` makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.catalogue import default_registry
from bot.clock import ManualClock, SystemClock
from bot.core import CommunitySpec, Core
from bot.credentials.identity import CredentialsConfig
from bot.jobs import JobRunner
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory


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
    registry = default_registry()
    jobs = JobRunner(uow_factory, the_clock, registry.jobs, defaults=defaults)
    core = Core(
        uow_factory,
        the_clock,
        registry.catalogue,
        defaults,
        reaction_handlers=registry.reactions,
        due_work=[jobs.due_work],
        credentials=credentials,
    )
    jobs.add_sweeps(core, registry.sweeps)
    return App(core, engine, the_clock, jobs)


def console_community(config: Mapping[str, Any] | None) -> CommunitySpec:
    slug = str((config or {}).get("community", "console"))
    return CommunitySpec(slug=slug, name=slug, first_speaker_admin=True)
