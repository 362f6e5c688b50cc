"""Core throughput: simulated members running commands through core.run.

For each engine (a SQLite file, and PostgreSQL in a fresh schema) and for 1 and
8 concurrent members, it prints commands per second and p50/p99 latency per
command. Beside it, a baseline: the very SQL statements those commands issued
(recorded from the driver cursor in a separate pass) replayed straight
through the raw driver (aiosqlite / asyncpg), one transaction per command, at
the same concurrency. The ratio is what the core costs over its SQL.

    .venv/bin/python bench/core_throughput.py [--members 64] [--rounds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event

from adapters.app import App, build
from adapters.text import parse
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec
from bot.model.members import Actor

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COMMUNITY = CommunitySpec("bench", "bench", first_speaker_admin=True)
CONTEXTS = ["Bournemouth, UK", "Lagos, Nigeria", "Lima, Peru", "Pune, India"]
CIRCLES = 8

Statement = tuple[str, Any]


@dataclass
class Step:
    member: str
    name: str
    line: str
    key: str
    sql: list[Statement] = field(default_factory=list)


def workload(members: int, rounds: int) -> dict[str, list[Step]]:
    """Each member's own sequence; join and leave alternate, so streams never clash."""
    plan: dict[str, list[Step]] = {}
    for m in range(members):
        who = f"member{m}"
        circle = f"circle-{m % CIRCLES}"
        steps: list[tuple[str, str]] = []
        for r in range(rounds):
            steps += [
                ("circle join", f"!circle join {circle}"),
                ("circle info", f"!circle info {circle}"),
                ("circle list", "!circle list"),
                ("profile show", f"!profile show @member{(m + r + 1) % members}"),
                ("profile set", f'!profile set offers:"skill {r}"'),
                ("circle leave", f"!circle leave {circle}"),
                ("help", "!help circle join"),
            ]
        plan[who] = [
            Step(who, name, line, f"bench:{who}:{i}") for i, (name, line) in enumerate(steps)
        ]
    return plan


async def seed(app: App, members: int) -> None:
    for m in range(members):
        await say(
            app, f"member{m}", f'!profile set context:"{CONTEXTS[m % len(CONTEXTS)]}"', f"seed:p{m}"
        )
    for c in range(CIRCLES):
        await say(app, "lead", f'!circle create circle-{c} "Circle {c}"', f"seed:c{c}")


async def say(app: App, who: str, line: str, key: str) -> None:
    parsed = parse(line, "!", app.core.catalogue)
    outcome = await app.core.run(
        Call(parsed.command, Actor("console", who, who), key, COMMUNITY, parsed.args, "general")
    )
    if outcome.reply.key.startswith(("input.", "command.", "error.")):
        raise RuntimeError(f"{line!r} failed: {outcome.reply}")


class Target:
    """One fresh database on one engine."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.schema = "b_" + secrets.token_hex(5)
        self.dir = Path(tempfile.mkdtemp(prefix="junto-bench-"))
        self.count = 0

    def url(self) -> tuple[str, str | None]:
        self.count += 1
        if self.engine == "sqlite":
            return str(self.dir / f"run{self.count}.db"), None
        url = PG_DSN.replace("postgresql://", "postgresql+asyncpg://")
        return url, f"{self.schema}_{self.count}"

    async def fresh(self, members: int) -> tuple[App, str | None]:
        url, schema = self.url()
        if schema is not None:
            conn = await asyncpg.connect(PG_DSN)
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            await conn.close()
        app = await build(url, clock=ManualClock(START), schema=schema)
        await seed(app, members)
        return app, schema

    async def drop(self) -> None:
        if self.engine == "postgres":
            conn = await asyncpg.connect(PG_DSN)
            for n in range(1, self.count + 1):
                await conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}_{n}" CASCADE')
            await conn.close()


async def record(app: App, plan: dict[str, list[Step]]) -> None:
    """Run the workload once, keeping each command's SQL as the driver saw it."""
    current: list[Statement] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        # Transaction control is the replay's own, as in the core.
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            current.append((statement, params))

    event.listen(app.engine.sync_engine, "before_cursor_execute", capture)
    try:
        for steps in plan.values():
            for step in steps:
                current.clear()
                await say(app, step.member, step.line, step.key)
                step.sql = list(current)
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", capture)


async def drive(
    plan: dict[str, list[Step]], concurrency: int, run: Callable[[Step], Awaitable[None]]
) -> tuple[float, dict[str, list[float]]]:
    queue: asyncio.Queue[list[Step]] = asyncio.Queue()
    for steps in plan.values():
        queue.put_nowait(steps)
    latencies: dict[str, list[float]] = defaultdict(list)

    async def worker() -> None:
        while not queue.empty():
            for step in queue.get_nowait():
                began = time.perf_counter()
                await run(step)
                latencies[step.name].append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


async def raw_sqlite(
    path: str, concurrency: int
) -> tuple[Callable[[Step], Awaitable[None]], Callable[[], Awaitable[None]]]:
    pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
    for _ in range(concurrency):
        conn = await aiosqlite.connect(path, timeout=30, isolation_level=None)
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "synchronous=NORMAL",
        ):
            await conn.execute(f"PRAGMA {pragma}")
        pool.put_nowait(conn)

    async def run(step: Step) -> None:
        conn = await pool.get()
        try:
            await conn.execute("BEGIN IMMEDIATE")
            for statement, params in step.sql:
                cursor = await conn.execute(statement, params or ())
                await cursor.fetchall()
            await conn.execute("COMMIT")
        finally:
            pool.put_nowait(conn)

    async def close() -> None:
        while not pool.empty():
            await pool.get_nowait().close()

    return run, close


async def raw_postgres(
    schema: str, concurrency: int
) -> tuple[Callable[[Step], Awaitable[None]], Callable[[], Awaitable[None]]]:
    async def init(conn: asyncpg.Connection) -> None:
        # SQLAlchemy hands asyncpg JSON already serialised, so pass it through.
        for kind in ("json", "jsonb"):
            await conn.set_type_codec(
                kind, encoder=lambda v: v, decoder=lambda v: v, schema="pg_catalog"
            )

    pool = await asyncpg.create_pool(
        PG_DSN,
        min_size=concurrency,
        max_size=concurrency,
        server_settings={"search_path": schema},
        init=init,
    )

    async def run(step: Step) -> None:
        async with pool.acquire() as conn, conn.transaction():
            for statement, params in step.sql:
                await conn.fetch(statement, *(params or ()))

    async def close() -> None:
        await pool.close()

    return run, close


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(label: str, elapsed: float, latencies: dict[str, list[float]]) -> None:
    total = sum(len(v) for v in latencies.values())
    every = [x for v in latencies.values() for x in v]
    print(
        f"  {label:<34} {total / elapsed:8.0f} cmd/s   p50 {statistics.median(every):6.2f} ms"
        f"   p99 {pct(every, 0.99):6.2f} ms   ({total} commands, {elapsed:.2f} s)"
    )


async def bench_engine(engine: str, members: int, rounds: int) -> None:
    target = Target(engine)
    plan = workload(members, rounds)
    try:
        app, _ = await target.fresh(members)
        await record(app, plan)
        await app.engine.dispose()
        statements = sum(len(s.sql) for steps in plan.values() for s in steps)
        commands = sum(len(steps) for steps in plan.values())
        print(
            f"\n{engine}: {members} members x {commands // members} commands, "
            f"{statements / commands:.1f} SQL statements per command"
        )
        for concurrency in (1, 8):
            app, _ = await target.fresh(members)

            async def through_core(step: Step, app: App = app) -> None:
                await say(app, step.member, step.line, step.key)

            core_time, core_lat = await drive(plan, concurrency, through_core)
            await app.engine.dispose()

            _, schema = await target.fresh(members)  # same seeded state for the replay
            if engine == "sqlite":
                run, close = await raw_sqlite(
                    str(target.dir / f"run{target.count}.db"), concurrency
                )
            else:
                assert schema is not None
                run, close = await raw_postgres(schema, concurrency)
            raw_time, raw_lat = await drive(plan, concurrency, run)
            await close()

            report(f"core.run, {concurrency} concurrent", core_time, core_lat)
            report(f"raw driver, same SQL, {concurrency} conc.", raw_time, raw_lat)
            print(f"  core / raw time: {core_time / raw_time:.2f}x")
            print("  per command (core):        p50 ms   p99 ms")
            for name, values in sorted(core_lat.items()):
                print(f"    {name:<24} {statistics.median(values):7.2f}  {pct(values, 0.99):7.2f}")
    finally:
        await target.drop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=6, help="cycles of 7 commands per member")
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"core throughput bench, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for engine in args.engines.split(","):
        await bench_engine(engine, args.members, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
