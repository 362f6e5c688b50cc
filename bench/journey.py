"""Journeys, reputation and credentials for a member with five years of activity:
250 events (200 attended, 50 hosted, a ballot on each one attended), 2,000 voucher
transfers, 30 badges and 50 journal notes, on SQLite and PostgreSQL.

The hours move through `core.run` as chat commands (issue, redeem, deliver,
confirm), so the ledger is the real one; events, ballots, badges and notes are
inserted directly, spread over the five years. Every figure below is a whole
command through `core.run` unless it says otherwise.
Targets: the journey picture under 500 ms, reputation under 20 ms.

    .venv/bin/python bench/journey.py [--calls 30] [--engines sqlite,postgres]
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

from sqlalchemy import func, insert, select, text, update

from adapters.app import App
from adapters.text import parse
from bench.support import bench_app, pct
from bot import pictures
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec
from bot.credentials import openbadges
from bot.model import journeys as J
from bot.model.members import Actor
from storage.tables import badges as badges_t
from storage.tables import communities as communities_t
from storage.tables import events as events_t
from storage.tables import journeys as journeys_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t
from storage.tables import reviews as reviews_t
from storage.unit_of_work import SqlUnitOfWork

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2022, 1, 3, 9, 0, tzinfo=UTC)
YEARS = 5
COMMUNITY = CommunitySpec("bench", "bench", first_speaker_admin=True)
OTHERS = [f"peer{n}" for n in range(1, 13)]
CONTEXTS = ["Bournemouth, UK", "Lagos, Nigeria", "Lima, Peru", "Pune, India"]
EVENTS, HOSTED, BADGES, NOTES = 250, 50, 30, 50
TRANSFERS = 2000


class Driver:
    def __init__(self, app: App) -> None:
        self.app = app
        self.keys = 0

    async def say(self, who: str, line: str) -> tuple[Any, float]:
        self.keys += 1
        parsed = parse(line, "!", self.app.core.catalogue)
        call = Call(
            parsed.command, Actor("console", who, who), f"b{self.keys}", COMMUNITY, parsed.args
        )
        began = time.perf_counter()
        outcome = await self.app.core.run(call)
        elapsed = (time.perf_counter() - began) * 1000
        if outcome.refused:
            raise RuntimeError(f"{who}: {line} -> {outcome.reply}")
        return outcome, elapsed


async def seed(app: App, driver: Driver) -> tuple[int, int]:
    """The member's id, and the number of their first badge."""
    rng = random.Random(5)
    clock = app.clock
    assert isinstance(clock, ManualClock)
    await driver.say("me", f'!profile set context:"{CONTEXTS[0]}"')
    for i, name in enumerate(OTHERS):
        await driver.say(name, f'!profile set context:"{CONTEXTS[1 + i % 3]}"')
    await driver.say("me", '!circle create spanish "Spanish conversation"')
    for name in OTHERS:
        await driver.say(name, "!circle join spanish")
    async with app.engine.connect() as conn:
        ids = {
            r.display_name: r.id
            for r in await conn.execute(
                select(members_t.members.c.id, members_t.members.c.display_name)
            )
        }
    me = ids["me"]

    # Hours: each cycle is an issue, a redemption's hold and its posting, three
    # transfers, spread evenly over the five years.
    span = timedelta(days=365 * YEARS)
    cycles = TRANSFERS // 3
    for n in range(cycles):
        clock.advance(START + span * n / cycles - clock.now())
        peer = OTHERS[n % len(OTHERS)]
        await driver.say("me", f"!voucher issue @{peer} 1 conversation practice")
        outcome, _ = await driver.say(peer, "!voucher redeem @me 1 conversation practice")
        number = outcome.reply.params["number"]
        await driver.say("me", f"!voucher deliver {number}")
        await driver.say(peer, f"!voucher confirm {number}")

    statuses = ["validated"] * 8 + ["not_validated", "unreviewed"]
    events, hosts, attendees, ballots = [], [], [], []
    async with app.engine.connect() as conn:
        number = int(
            (
                await conn.execute(select(func.max(communities_t.communities.c.next_number)))
            ).scalar_one()
        )
    for e in range(EVENTS):
        starts = START + span * (e + 0.5) / EVENTS
        event_id = e + 1
        hosted = e % (EVENTS // HOSTED) == 0
        status = rng.choice(statuses)
        events.append(
            {
                "id": event_id,
                "community_id": 1,
                "circle_id": 1,
                "number": number + e,
                "occurrence": 1,
                "title": f"Conversation club {e + 1}",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=1),
                "status": status,
                "counts": True,
                "created_by": me,
                "created_at": starts - timedelta(days=7),
                "closed_at": starts + timedelta(days=3),
            }
        )
        voters = rng.sample(OTHERS, 6)
        hosts.append({"event_id": event_id, "member_id": ids[voters[0] if not hosted else "me"]})
        present = voters[1:] if hosted else ["me", *voters[1:]]
        for name in present:
            attendees.append(
                {
                    "event_id": event_id,
                    "member_id": ids[name],
                    "rsvp": "going",
                    "checked_in_at": starts,
                }
            )
            ballots.append(
                {
                    "event_id": event_id,
                    "member_id": ids[name],
                    "at_level": rng.random() < 0.8,
                    "rating": rng.randint(2, 5),
                    "comment": None,
                    "cast_at": starts + timedelta(hours=2),
                    "via": "reaction",
                }
            )
    number += EVENTS
    badges = [
        {
            "community_id": 1,
            "number": number + b,
            "member_id": me,
            "code": f"bench-{b}",
            "name": f"Badge {b + 1}",
            "description": "A bench badge.",
            "criteria": "Awarded by a circle lead, with evidence.",
            "evidence": "Hosted a conversation club",
            "awarded_by": ids[OTHERS[0]],
            "awarded_at": START + span * (b + 0.5) / BADGES,
        }
        for b in range(BADGES)
    ]
    notes = [
        {
            "community_id": 1,
            "member_id": me,
            "text": f"Note {n + 1}: what I learned this month",
            "written_at": START + span * (n + 0.3) / NOTES,
        }
        for n in range(NOTES)
    ]
    async with app.engine.begin() as conn:
        for table, rows in (
            (events_t.events, events),
            (events_t.event_hosts, hosts),
            (events_t.event_attendees, attendees),
            (reviews_t.review_ballots, ballots),
            (badges_t.badge_awards, badges),
            (journeys_t.journal_notes, notes),
        ):
            await conn.execute(insert(table), rows)
        await conn.execute(
            update(communities_t.communities).values(next_number=number + BADGES + 1)
        )
        await conn.execute(text("ANALYZE"))
    clock.advance(START + span - clock.now())
    return me, number


def line(label: str, values: list[float], target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f"   p95 under {target:.0f} ms: {'yes' if pct(values, 0.95) < target else 'NO'}"
    return (
        f"  {label:<34} p50 {statistics.median(values):7.2f} ms   "
        f"p95 {pct(values, 0.95):7.2f} ms   ({len(values)} calls){verdict}"
    )


async def bench(engine: str, calls: int) -> None:
    async with bench_app(engine, "journey", ManualClock(START)) as app:
        driver = Driver(app)
        began = time.perf_counter()
        me, badge = await seed(app, driver)
        async with app.engine.connect() as conn:
            transfers = (
                await conn.execute(select(func.count()).select_from(ledger_t.transfers))
            ).scalar_one()
        async with SqlUnitOfWork(app.engine) as uow:
            moments = await uow.journeys.moments(me, app.clock.now())
        print(
            f"\n{engine}: one member over {YEARS} years: {EVENTS} events "
            f"({HOSTED} hosted), {transfers} transfers, {BADGES} badges, {NOTES} notes; "
            f"{len(moments)} moments (seeded in {time.perf_counter() - began:.0f} s)"
        )
        for _ in range(3):  # warm the pool, the statement cache and the font
            await driver.say("me", "!journey")
            await driver.say("me", "!reputation")

        async def timed(line_text: str, who: str = "me") -> float:
            return (await driver.say(who, line_text))[1]

        journey = [await timed("!journey") for _ in range(calls)]
        page = [await timed("!journey page:7") for _ in range(calls)]
        reputation = [await timed("!reputation") for _ in range(calls)]
        other = [await timed("!reputation @me", "peer1") for _ in range(calls)]

        ordered = J.in_order(moments)
        picture = []
        for _ in range(calls):
            began = time.perf_counter()
            data = pictures.timeline_png(
                "me's learning journey", "5 years", ordered, UTC, now=app.clock.now()
            )
            picture.append((time.perf_counter() - began) * 1000)

        exported, _ = await driver.say("me", f"!badge export {badge}")
        credential = exported.reply.attachments[0].data.decode()
        sign = [await timed(f"!badge export {badge}") for _ in range(calls)]
        verify = []
        for _ in range(calls):
            began = time.perf_counter()
            checked = openbadges.check(credential)
            verify.append((time.perf_counter() - began) * 1000)
            assert checked.failure is None, checked
        print(line("journey (text page 1 + picture)", journey, 500))
        print(line("journey page:7 (text only)", page))
        print(
            f"{'':2}{'  of which the picture alone':<34} p50 {statistics.median(picture):7.2f} "
            f"ms   p95 {pct(picture, 0.95):7.2f} ms   ({len(data):,} bytes PNG)"
        )
        print(line("reputation", reputation, 20))
        print(line("reputation @member", other, 20))
        print(line("badge export (signs)", sign))
        print(line("credential verify (offline check)", verify))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"journey bench, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for engine in args.engines.split(","):
        await bench(engine, args.calls)


if __name__ == "__main__":
    asyncio.run(main())
