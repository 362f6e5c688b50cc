"""`obligations` latency in a large community: 10,000 members and 200,000 attendances
(10,000 events of 20 attendees over two years, one host each), on SQLite and PostgreSQL.

Each call goes through `core.run` as a chat command would (command key, member lookup,
the two counts for this year and, for members past their first year, two more for
good standing, the command log, commit). Target: p95 under 20 ms.

    .venv/bin/python bench/obligations.py [--calls 1000] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text, update

from adapters.app import App
from bench.support import bench_app, pct
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec
from bot.model.members import Actor
from storage.tables import circles as circles_t
from storage.tables import communities as communities_t
from storage.tables import members as members_t
from storage.tables.events import event_attendees, event_hosts, events

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COMMUNITY = CommunitySpec("bench", "bench")
MEMBERS = 10_000
EVENTS = 10_000
PER_EVENT = 20
CIRCLES = 100
DAYS = 730


async def insert_all(app: App, table: Any, rows: list[dict[str, Any]]) -> None:
    async with app.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            await conn.execute(insert(table), rows[start : start + 5000])


async def seed(app: App) -> None:
    rng = random.Random(7)
    async with app.engine.begin() as conn:
        await conn.execute(
            insert(communities_t.communities).values(
                id=1, slug="bench", name="bench", created_at=NOW
            )
        )
    when = [NOW - timedelta(days=rng.uniform(0, DAYS)) for _ in range(MEMBERS)]
    await insert_all(
        app,
        members_t.members,
        [
            {
                "id": m,
                "community_id": 1,
                "display_name": f"m{m}",
                "name_key": f"m{m}",
                "joined_at": when[m - 1],
                "is_admin": False,
                "is_assessor": False,
                "is_trustee": False,
                "offers": "",
                "seeks": "",
            }
            for m in range(1, MEMBERS + 1)
        ],
    )
    await insert_all(
        app,
        members_t.identities,
        [
            {"community_id": 1, "member_id": m, "platform": "console", "external_id": f"m{m}"}
            for m in range(1, MEMBERS + 1)
        ],
    )
    await insert_all(
        app,
        circles_t.circles,
        [
            {
                "id": c,
                "community_id": 1,
                "number": c,
                "name": f"circle-{c}",
                "topic": "Topic",
                "description": "",
                "size": 35,
                "status": "active",
                "created_at": NOW - timedelta(days=DAYS + 10),
            }
            for c in range(1, CIRCLES + 1)
        ],
    )
    statuses = ["validated"] * 8 + ["not_validated", "unreviewed"]
    event_rows, host_rows, attendee_rows = [], [], []
    for e in range(1, EVENTS + 1):
        starts = NOW - timedelta(days=rng.uniform(1, DAYS))
        event_rows.append(
            {
                "id": e,
                "community_id": 1,
                "circle_id": rng.randint(1, CIRCLES),
                "number": CIRCLES + e,
                "occurrence": 1,
                "title": f"Meetup {e}",
                "description": "",
                "location": "",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=1),
                "status": rng.choice(statuses),
                "counts": rng.random() < 0.95,
                "created_by": 1,
                "created_at": starts - timedelta(days=7),
                "sequence": 0,
                "at_level": 0,
                "below": 0,
                "voters": 0,
            }
        )
        people = rng.sample(range(1, MEMBERS + 1), PER_EVENT + 1)
        host_rows.append({"event_id": e, "member_id": people[0]})
        for member in people[1:]:
            attendee_rows.append(
                {
                    "event_id": e,
                    "member_id": member,
                    "rsvp": "going",
                    "rsvp_at": starts - timedelta(days=1),
                    "checked_in_at": starts if rng.random() < 0.9 else None,
                }
            )
    await insert_all(app, events, event_rows)
    await insert_all(app, event_hosts, host_rows)
    await insert_all(app, event_attendees, attendee_rows)
    async with app.engine.begin() as conn:
        await conn.execute(
            update(communities_t.communities)
            .where(communities_t.communities.c.id == 1)
            .values(next_number=20_000)
        )
        await conn.execute(text("ANALYZE"))


async def timed(app: App, who: int, line_args: dict[str, Any], key: str) -> float:
    began = time.perf_counter()
    outcome = await app.core.run(
        Call("obligations", Actor("console", f"m{who}", f"m{who}"), key, COMMUNITY, line_args)
    )
    elapsed = (time.perf_counter() - began) * 1000
    if outcome.reply.key != "obligations.report":
        raise RuntimeError(f"obligations failed: {outcome.reply}")
    return elapsed


async def bench(engine: str, calls: int) -> None:
    async with bench_app(engine, "obligations", ManualClock(NOW)) as app:
        began = time.perf_counter()
        await seed(app)
        print(
            f"\n{engine}: {MEMBERS} members, {EVENTS} events, {EVENTS * PER_EVENT} attendances "
            f"(seeded in {time.perf_counter() - began:.1f} s)"
        )
        rng = random.Random(11)
        for n in range(50):  # warm the pool and the caches
            await timed(app, rng.randint(1, MEMBERS), {}, f"warm{n}")
        own = [await timed(app, rng.randint(1, MEMBERS), {}, f"own{n}") for n in range(calls)]
        other = [
            await timed(
                app,
                rng.randint(1, MEMBERS),
                {"member": f"@m{rng.randint(1, MEMBERS)}"},
                f"other{n}",
            )
            for n in range(calls)
        ]
        for label, values in (("obligations", own), ("obligations @member", other)):
            print(
                f"  {label:<20} p50 {statistics.median(values):6.2f} ms   "
                f"p95 {pct(values, 0.95):6.2f} ms   p99 {pct(values, 0.99):6.2f} ms   "
                f"({len(values)} calls)   p95 under 20 ms: "
                f"{'yes' if pct(values, 0.95) < 20 else 'NO'}"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"obligations bench, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for engine in args.engines.split(","):
        await bench(engine, args.calls)


if __name__ == "__main__":
    asyncio.run(main())
