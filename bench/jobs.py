"""Due jobs per second, with one and with two runners, each in a bot process of its
own with its own engine, sharing one PostgreSQL database; SQLite for comparison.

Each job is a reminder-sized unit of work: the runner claims it under a lease, runs
the handler (one read of the job's community row) and marks it run and done in the
handler's own transaction. Process start-up is not timed: the runners wait for a
signal, then the clock runs until the last of them has emptied the queue.

    .venv/bin/python bench/jobs.py [--jobs 5000] [--batch 25] [--engines postgres,sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.jobs import JobCtx, JobRunner
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables.jobs import jobs
from storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KIND = "bench.job"


RAN = 0


async def handler(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    global RAN
    RAN += 1
    await ctx.uow.jobs.community(ctx.community.id)


class Database:
    """A fresh database on one engine; `engine()` opens one more engine onto it."""

    def __init__(self, kind: str, name: str | None = None) -> None:
        self.kind = kind
        self.name = name or (
            "bj_" + secrets.token_hex(5)
            if kind == "postgres"
            else str(Path(tempfile.mkdtemp(prefix="junto-bench-")) / "jobs.db")
        )

    async def create(self) -> None:
        if self.kind == "postgres":
            conn = await asyncpg.connect(PG_DSN)
            await conn.execute(f'CREATE SCHEMA "{self.name}"')
            await conn.close()
        engine = self.engine()
        await upgrade(engine)
        await engine.dispose()

    def engine(self) -> AsyncEngine:
        if self.kind == "sqlite":
            return make_engine(self.name)
        return make_engine(
            PG_DSN.replace("postgresql://", "postgresql+asyncpg://"), schema=self.name
        )

    async def drop(self) -> None:
        if self.kind == "postgres":
            conn = await asyncpg.connect(PG_DSN)
            await conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
            await conn.close()


async def seed(engine: AsyncEngine, count: int) -> None:
    async with SqlUnitOfWork(engine) as uow:
        community = await uow.communities.get_or_create("bench", "bench", START)
        await uow.commit()
    rows = [
        {
            "community_id": community.id,
            "kind": KIND,
            "due_at": START,
            "payload": {"n": n},
            "attempts": 0,
            "created_at": START,
        }
        for n in range(count)
    ]
    async with engine.begin() as conn:
        for chunk in range(0, count, 2000):
            await conn.execute(insert(jobs), rows[chunk : chunk + 2000])


async def pending(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = select(func.count()).select_from(jobs).where(jobs.c.done_at.is_(None))
        return int((await conn.execute(query)).scalar_one())


async def worker(kind: str, name: str, batch: int) -> None:
    """One bot process's runner: wait for the signal, run everything due, report."""
    engine = Database(kind, name).engine()
    runner = JobRunner(
        SqlUnitOfWorkFactory(engine), ManualClock(START), {KIND: handler}, batch=batch
    )
    async with engine.connect():
        pass  # open a connection before the clock starts
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    await runner.run_due()
    print(f"ran {RAN}", flush=True)
    await engine.dispose()


async def measure(kind: str, runners: int, count: int, batch: int) -> None:
    database = Database(kind)
    await database.create()
    engine = database.engine()
    try:
        await seed(engine, count)
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--worker",
                kind,
                database.name,
                "--batch",
                str(batch),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(runners)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert (await proc.stdout.readline()).strip() == b"ready"
        began = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = [await proc.communicate() for proc in procs]
        elapsed = time.perf_counter() - began
        shares = [int(out.decode().split()[-1]) for out, _ in outputs]
        left = await pending(engine)
        print(
            f"  {kind:<8} {runners} runner{'s' if runners > 1 else ' '}  "
            f"{count / elapsed:8.0f} jobs/s   ({count} jobs in {elapsed:.2f} s, "
            f"batch {batch}, each ran {'+'.join(map(str, shares))}, "
            f"{sum(shares) - count} twice, {left} left)"
        )
    finally:
        await engine.dispose()
        await database.drop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--engines", default="postgres,sqlite")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        await worker(args.worker[0], args.worker[1], args.batch)
        return
    print(f"due jobs bench, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for kind in args.engines.split(","):
        for runners in (1, 2):
            await measure(kind, runners, args.jobs, args.batch)


if __name__ == "__main__":
    asyncio.run(main())
