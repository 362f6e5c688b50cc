"""What several benchmarks share: an app on a throwaway database, and percentiles."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from adapters.app import App, build
from bot.clock import ManualClock

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def bench_app(engine: str, name: str, clock: ManualClock) -> AsyncIterator[App]:
    """A Junto app on a fresh SQLite file or a fresh PostgreSQL schema, dropped after."""
    schema = None
    if engine == "sqlite":
        url = str(Path(tempfile.mkdtemp(prefix="junto-bench-")) / f"{name}.db")
    else:
        url = PG_DSN.replace("postgresql://", "postgresql+asyncpg://")
        schema = f"b{name[:8]}_" + secrets.token_hex(5)
        conn = await asyncpg.connect(PG_DSN)
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.close()
    app = await build(url, clock=clock, schema=schema)
    try:
        yield app
    finally:
        await app.engine.dispose()
        if schema is not None:
            conn = await asyncpg.connect(PG_DSN)
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await conn.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
