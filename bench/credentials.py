"""Credentials for a member with 30 badges, and a community status list of 100,000
entries, on SQLite and PostgreSQL.

The member's badges are manual awards inserted directly, over a year; the pathway
asks for 10 of those 30 classes and so rests on all 30. A second community holds
100,000 exported credentials' status entries, 5% of them revoked.

- `badge export` and `badge pathway` are whole commands through `core.run`: they
  sign (eddsa-rdfc-2022 over RDFC-1.0) and, the first time, take a status entry.
- Verify with the status check: `badge verify` through `core.run`, which reads the
  credential's status from the community's records; the offline check
  `junto verify --status FILE` makes (the credential's signature, the status list
  credential's own signature, and the bit); and the same with the list read once,
  as a verifier checking many credentials against one list would.
- The status list: read the revoked entries, build the bitstring, compress,
  encode and sign (what `junto status-list` does); then check one entry in it.
Targets: verify with the status check under 15 ms; status list build and sign under
200 ms.

    .venv/bin/python bench/credentials.py [--calls 30] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text, update

from adapters.app import App
from adapters.text import parse
from bench.support import bench_app, pct
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec
from bot.credentials import openbadges, statuslist, trust
from bot.credentials.identity import CredentialsConfig
from bot.model.members import Actor
from bot.services.badges import status_list_credential, verify_text
from storage.tables import badges as badges_t
from storage.tables import communities as communities_t
from storage.tables import members as members_t

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
COMMUNITY = CommunitySpec("bench", "bench", first_speaker_admin=True)
LISTS = CommunitySpec("lists", "lists", first_speaker_admin=True)
BADGES, PATHWAY_SIZE = 30, 10
ENTRIES, REVOKED_SHARE = 100_000, 0.05


class Driver:
    def __init__(self, app: App) -> None:
        self.app = app
        self.keys = 0

    async def say(
        self, who: str, line: str, community: CommunitySpec = COMMUNITY, **args: Any
    ) -> tuple[Any, float]:
        self.keys += 1
        if args:
            command, given = line, args
        else:
            parsed = parse(line, "!", self.app.core.catalogue)
            command, given = parsed.command, parsed.args
        call = Call(command, Actor("console", who, who), f"c{self.keys}", community, given)
        began = time.perf_counter()
        outcome = await self.app.core.run(call)
        elapsed = (time.perf_counter() - began) * 1000
        if outcome.refused:
            raise RuntimeError(f"{who}: {line} -> {outcome.reply}")
        return outcome, elapsed


async def seed_member(app: App, driver: Driver) -> int:
    """The member's id; their 30 badges are #1000 to #1029."""
    await driver.say("lead", '!profile set context:"Bournemouth, UK"')
    await driver.say("lead", f"!admin settings pathway_size {PATHWAY_SIZE}")
    await driver.say("me", '!profile set context:"Lagos, Nigeria"')
    # Longer than `admin settings` takes in one value, so written as it would store them.
    async with app.core.uow_factory() as uow:
        classes = "; ".join(f"Badge {n + 1}=manual" for n in range(BADGES))
        codes = ", ".join(f"badge-{n + 1}" for n in range(BADGES))
        await uow.settings.put(1, "badge_classes", classes)
        await uow.settings.put(1, "pathway_badges", codes)
        await uow.commit()
    async with app.engine.connect() as conn:
        ids = {
            r.display_name: r.id
            for r in await conn.execute(
                select(members_t.members.c.id, members_t.members.c.display_name)
            )
        }
    badges = [
        {
            "community_id": 1,
            "number": 1000 + b,
            "member_id": ids["me"],
            "code": f"badge-{b + 1}",
            "name": f"Badge {b + 1}",
            "description": "A bench badge.",
            "criteria": "Awarded by a circle lead, with evidence.",
            "evidence": "Ran a conversation club for newcomers and wrote up what worked",
            "awarded_by": ids["lead"],
            "awarded_at": START + timedelta(days=10 * b),
        }
        for b in range(BADGES)
    ]
    async with app.engine.begin() as conn:
        await conn.execute(insert(badges_t.badge_awards), badges)
        await conn.execute(update(communities_t.communities).values(next_number=2000))
    return ids["me"]


async def seed_list(app: App, driver: Driver) -> int:
    """A second community with 100,000 status entries; its id."""
    await driver.say("owner", '!profile set context:"Lima, Peru"', LISTS)
    async with app.engine.connect() as conn:
        row = (
            await conn.execute(
                select(communities_t.communities.c.id, members_t.members.c.id.label("member"))
                .join(
                    members_t.members,
                    members_t.members.c.community_id == communities_t.communities.c.id,
                )
                .where(communities_t.communities.c.slug == "lists")
            )
        ).one()
    rng = random.Random(7)
    size = statuslist.size_for(ENTRIES)
    indexes = rng.sample(range(size), ENTRIES)
    rows = [
        {
            "community_id": row.id,
            "status_index": index,
            "member_id": row.member,
            "award_id": None,
            "rests_on": None,
            "issued_at": START,
            "revoked_at": START + timedelta(days=30) if rng.random() < REVOKED_SHARE else None,
        }
        for index in indexes
    ]
    async with app.engine.begin() as conn:
        for at in range(0, len(rows), 10_000):
            await conn.execute(insert(badges_t.credential_statuses), rows[at : at + 10_000])
        await conn.execute(text("ANALYZE"))
    return int(row.id)


def line(label: str, values: list[float], target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f"   p95 under {target:.0f} ms: {'yes' if pct(values, 0.95) < target else 'NO'}"
    return (
        f"  {label:<44} p50 {statistics.median(values):7.2f} ms   "
        f"p95 {pct(values, 0.95):7.2f} ms   ({len(values)} calls){verdict}"
    )


async def timed(calls: int, work: Callable[[], Awaitable[Any]]) -> list[float]:
    out = []
    for _ in range(calls):
        began = time.perf_counter()
        await work()
        out.append((time.perf_counter() - began) * 1000)
    return out


async def bench(engine: str, calls: int) -> None:
    async with bench_app(engine, "credentials", ManualClock(START + timedelta(days=400))) as app:
        driver = Driver(app)
        began = time.perf_counter()
        await seed_member(app, driver)
        list_id = await seed_list(app, driver)
        print(
            f"\n{engine}: a member with {BADGES} badges; a status list of {ENTRIES:,} entries "
            f"({REVOKED_SHARE:.0%} revoked) (seeded in {time.perf_counter() - began:.0f} s)"
        )

        exported, _ = await driver.say("me", "!badge export 1000")
        credential = exported.reply.attachments[0].data.decode()
        await driver.say("lead", "badge verify", credential=credential)
        await driver.say("me", "!badge pathway")
        sign = [(await driver.say("me", "!badge export 1000"))[1] for _ in range(calls)]
        pathway_outcome, _ = await driver.say("me", "!badge pathway")
        pathway = [(await driver.say("me", "!badge pathway"))[1] for _ in range(calls)]
        verify = [
            (await driver.say("lead", "badge verify", credential=credential))[1]
            for _ in range(calls)
        ]
        reply = (await driver.say("lead", "badge verify", credential=credential))[0].reply
        assert reply.key == "badge.valid", reply

        # The status list of 100,000 entries, built and signed as `junto status-list` does.
        config = CredentialsConfig()
        async with app.core.uow_factory() as uow:
            (lists,) = [c for c in await uow.badges.communities() if c.id == list_id]

        async def build_and_sign() -> dict[str, Any]:
            async with app.core.uow_factory() as uow:
                signed = await status_list_credential(uow, lists, config, app.clock.now())
                await uow.commit()
            return signed

        document = await build_and_sign()
        listing = await timed(calls, build_and_sign)
        list_text = json.dumps(document)
        async with app.engine.connect() as conn:
            index = (
                await conn.execute(
                    select(func.min(badges_t.credential_statuses.c.status_index)).where(
                        badges_t.credential_statuses.c.community_id == list_id,
                        badges_t.credential_statuses.c.revoked_at.is_not(None),
                    )
                )
            ).scalar_one()

        def check_entry() -> bool:
            checked = openbadges.check_status_list(list_text)
            return statuslist.is_set(checked.status_list.bits, index)

        assert check_entry()
        entry = []
        for _ in range(calls):
            t0 = time.perf_counter()
            check_entry()
            entry.append((time.perf_counter() - t0) * 1000)

        # The offline check with a status list file, of the community's own list.
        async with app.core.uow_factory() as uow:
            (bench_community,) = [c for c in await uow.badges.communities() if c.slug == "bench"]
            own_list = await status_list_credential(uow, bench_community, config, app.clock.now())
            await uow.commit()
        own_text = json.dumps(own_list)

        async def offline() -> trust.Verdict:
            given = openbadges.check_status_list(own_text)
            return await verify_text(None, None, config, credential, app.clock.now(), given)

        assert (await offline()).status.state == trust.ACTIVE
        file_check = await timed(calls, offline)
        # As a verifier checking many credentials reads the list once.
        once = openbadges.check_status_list(own_text)

        async def offline_list_read() -> trust.Verdict:
            return await verify_text(None, None, config, credential, app.clock.now(), once)

        assert (await offline_list_read()).status.state == trust.ACTIVE
        list_once = await timed(calls, offline_list_read)

        names = len(json.loads(pathway_outcome.reply.attachments[0].data)["evidence"])
        print(line("badge export (signs one badge)", sign))
        print(line(f"badge pathway (signs, naming {names} badges)", pathway))
        print(line("badge verify, status from the records", verify, 15))
        print(line("verify offline, with a status list file", file_check, 15))
        print(line("verify offline, the list already checked", list_once, 15))
        print(
            line(f"status list of {ENTRIES:,}: read, build, sign", listing, 200)
            + f"\n{'':4}({len(list_text):,} bytes signed; the bitstring "
            f"{len(statuslist.decode(document['credentialSubject']['encodedList'])):,} bytes)"
        )
        print(line("status list: check its signature, read one bit", entry))


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"credentials bench, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {load} at the start"
    )
    for engine in args.engines.split(","):
        await bench(engine, args.calls)


if __name__ == "__main__":
    asyncio.run(main())
