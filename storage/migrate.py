"""Schema upgrades with Alembic, on start or by `junto db upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

_HERE = Path(__file__).parent


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE / "migrations"))
    return config


async def upgrade(engine: AsyncEngine) -> None:
    config = _config()

    def run(connection: Any) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def applied(engine: AsyncEngine) -> set[str]:
    """The revisions this database is at: none for one Junto never made."""

    def current(connection: Any) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as conn:
        return await conn.run_sync(current)


async def pending(engine: AsyncEngine) -> list[str]:
    """Revisions not yet applied to this database."""
    script = ScriptDirectory.from_config(_config())

    def current(connection: Any) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as conn:
        applied = await conn.run_sync(current)
    heads = set(script.get_heads())
    if heads <= applied:
        return []
    return [
        rev.revision
        for rev in script.walk_revisions()
        if rev.revision not in applied and not _is_ancestor(script, rev.revision, applied)
    ]


def _is_ancestor(script: ScriptDirectory, revision: str, applied: set[str]) -> bool:
    return any(
        revision in {r.revision for r in script.iterate_revisions(head, "base")} for head in applied
    )
