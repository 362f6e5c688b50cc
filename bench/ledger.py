"""Ledger benchmark: transfer throughput, and `voucher balance` on a large ledger.

For each engine (a SQLite file, and PostgreSQL in a fresh database):

1. Transfers per second with 1 and 16 concurrent members, each member giving
   15 minutes at a time from their own holding, one transaction per transfer:
   - through the ledger (a unit of work, `Book.accounts` + `Book.execute`:
     lock both accounts, check limits, insert the transfer, update the totals);
   - through the raw driver (aiosqlite / asyncpg) running the same statements:
     select both accounts (FOR UPDATE on PostgreSQL), insert, two updates;
   - through the whole `voucher give` command (core.run: identities, command
     key, audit), for scale.
2. `voucher balance` latency (p50, p95) through core.run for one member after
   1,000,000 transfers in the community (bulk-loaded, consistent totals).

    .venv/bin/python bench/ledger.py [--transfers 1000000] [--gives 2000]
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import insert, select

from adapters.app import App, build
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec
from bot.model import ledger as L
from bot.model.ledger import Transfer
from bot.model.members import Actor
from bot.model.settings import Settings
from bot.services.ledger import Book
from storage.repositories.ledger import check_engine
from storage.tables import communities as communities_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t
from storage.unit_of_work import SqlUnitOfWork

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COMMUNITY = CommunitySpec("bench", "bench", first_speaker_admin=True)
# The bench's givers hold far more than any member could; the cap is not what is measured.
WIDE = Settings({"voucher_cap_base": 10**9, "voucher_cap_most": 10**9}, {})
WORKERS = 16

Run = Callable[[int, int], Awaitable[None]]  # (member, transfer number)


async def say(app: App, who: str, command: str, args: dict[str, Any], key: str) -> str:
    outcome = await app.core.run(Call(command, Actor("console", who, who), key, COMMUNITY, args))
    return outcome.reply.key


async def seed(app: App) -> tuple[int, dict[str, int]]:
    """An admin, 16 givers each holding a great many of their issuer's hours, 16 receivers."""
    await say(app, "admin", "profile show", {}, "seed:admin")
    names = [f"{role}{i}" for i in range(WORKERS) for role in ("giver", "taker", "issuer")]
    for name in names:
        await say(app, name, "profile show", {}, f"seed:{name}")
    async with app.engine.connect() as conn:
        rows = await conn.execute(select(members_t.members.c.id, members_t.members.c.display_name))
        ids = {r.display_name: r.id for r in rows}
        community = (await conn.execute(select(communities_t.communities.c.id))).scalar_one()
    async with SqlUnitOfWork(app.engine) as uow:
        book = Book(uow, community, WIDE, "seed", START)
        for i in range(WORKERS):
            issuer = ids[f"issuer{i}"]
            keys = (L.issuer_key(issuer), L.holding_key(issuer, ids[f"giver{i}"]))
            accounts = await book.accounts(*keys)
            await book.execute(
                [
                    Transfer(
                        book.next_id(), accounts[keys[0]].id, accounts[keys[1]].id, 10**8, L.ISSUE
                    )
                ]
            )
            await book.accounts(L.holding_key(issuer, ids[f"taker{i}"]))
        await uow.commit()
    return community, ids


def through_ledger(app: App, community: int, ids: dict[str, int], tag: str) -> Run:
    async def run(member: int, n: int) -> None:
        issuer = ids[f"issuer{member}"]
        source = L.holding_key(issuer, ids[f"giver{member}"])
        target = L.holding_key(issuer, ids[f"taker{member}"])
        async with SqlUnitOfWork(app.engine) as uow:
            book = Book(uow, community, WIDE, f"{tag}:{member}:{n}", START)
            accounts = await book.accounts(source, target)
            await book.execute(
                [Transfer(book.next_id(), accounts[source].id, accounts[target].id, 15, L.GIVE)]
            )
            await uow.commit()

    return run


def through_command(app: App, tag: str) -> Run:
    async def run(member: int, n: int) -> None:
        key = await say(
            app,
            f"giver{member}",
            "voucher give",
            {"to": f"@taker{member}", "issuer": f"@issuer{member}", "hours": "15m"},
            f"{tag}:{member}:{n}",
        )
        assert key == "voucher.given", key

    return run


_SELECT = (
    "SELECT id, community_id, issuer_id, kind, owner_id, ref, debits_pending, debits_posted, "
    "credits_pending, credits_posted, services FROM accounts "
    "WHERE (issuer_id, owner_id, kind, ref) IN "
    "(({p}, {p}, 'holding', 0), ({p}, {p}, 'holding', 0)) "
    "ORDER BY id"
)
_INSERT = (
    "INSERT INTO transfers (id, community_id, debit_account_id, credit_account_id, amount, code, "
    "flag, pending_id, at, memo) VALUES ({p}, {p}, {p}, {p}, {p}, 'give', 'none', NULL, {p}, '') "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)
_UPDATE = (
    "UPDATE accounts SET debits_pending = {p}, debits_posted = {p}, credits_pending = {p}, "
    "credits_posted = {p} WHERE id = {p}"
)


def _sql(template: str, style: str) -> str:
    if style == "qmark":
        return template.replace("{p}", "?")
    count = iter(range(1, 100))
    out = template
    while "{p}" in out:
        out = out.replace("{p}", f"${next(count)}", 1)
    return out


Closer = Callable[[], Awaitable[None]]


async def raw_sqlite(
    path: str, ids: dict[str, int], community: int, tag: str
) -> tuple[Run, Closer]:
    select_sql, insert_sql, update_sql = (_sql(s, "qmark") for s in (_SELECT, _INSERT, _UPDATE))
    pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
    for _ in range(WORKERS):
        conn = await aiosqlite.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "synchronous=NORMAL",
        ):
            await conn.execute(f"PRAGMA {pragma}")
        await pool.put(conn)
    at = START.replace(tzinfo=None).isoformat(" ")

    async def run(member: int, n: int) -> None:
        issuer, giver, taker = (ids[f"{r}{member}"] for r in ("issuer", "giver", "taker"))
        conn = await pool.get()
        try:
            await conn.execute("BEGIN IMMEDIATE")
            cursor = await conn.execute(select_sql, (issuer, giver, issuer, taker))
            rows = await cursor.fetchall()
            source = next(r for r in rows if r[4] == giver)
            target = next(r for r in rows if r[4] == taker)
            tid = L.transfer_id(community, f"{tag}:{member}:{n}", 0)
            inserted = await conn.execute(
                insert_sql, (tid, community, source[0], target[0], 15, at)
            )
            assert len(await inserted.fetchall()) == 1
            await conn.executemany(
                update_sql,
                [
                    (source[6], source[7] + 15, source[8], source[9], source[0]),
                    (target[6], target[7], target[8], target[9] + 15, target[0]),
                ],
            )
            await conn.execute("COMMIT")
        finally:
            await pool.put(conn)

    async def close() -> None:
        while not pool.empty():
            await pool.get_nowait().close()

    return run, close


async def raw_postgres(
    url: str, ids: dict[str, int], community: int, tag: str
) -> tuple[Run, Closer]:
    select_sql, insert_sql, update_sql = (
        _sql(s, "numeric") for s in (_SELECT + " FOR UPDATE", _INSERT, _UPDATE)
    )
    pool = await asyncpg.create_pool(url, min_size=WORKERS, max_size=WORKERS)

    async def run(member: int, n: int) -> None:
        issuer, giver, taker = (ids[f"{r}{member}"] for r in ("issuer", "giver", "taker"))
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(select_sql, issuer, giver, issuer, taker)
            source = next(r for r in rows if r[4] == giver)
            target = next(r for r in rows if r[4] == taker)
            tid = L.transfer_id(community, f"{tag}:{member}:{n}", 0)
            inserted = await conn.fetch(insert_sql, tid, community, source[0], target[0], 15, START)
            assert len(inserted) == 1
            await conn.executemany(
                update_sql,
                [
                    (source[6], source[7] + 15, source[8], source[9], source[0]),
                    (target[6], target[7], target[8], target[9] + 15, target[0]),
                ],
            )

    return run, pool.close


async def rate(run: Run, members: int, total: int) -> float:
    each = total // members

    async def member(m: int) -> None:
        for n in range(each):
            await run(m, n)

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(members)))
    return members * each / (time.perf_counter() - started)


async def throughput(app: App, engine: str, target: str, gives: int, rounds: int) -> list[str]:
    community, ids = await seed(app)
    lines = []
    for members in (1, WORKERS):
        # Best of several rounds, alternating, so a busy moment on the machine
        # does not decide the comparison.
        ledger = raw = command = 0.0
        for round_ in range(rounds):
            tag = f"{engine}{members}:{round_}"
            run = through_ledger(app, community, ids, f"l{tag}")
            ledger = max(ledger, await rate(run, members, gives))
            raw_run, close = (
                await raw_sqlite(target, ids, community, f"r{tag}")
                if engine == "sqlite"
                else await raw_postgres(target, ids, community, f"r{tag}")
            )
            try:
                raw = max(raw, await rate(raw_run, members, gives))
            finally:
                await close()
            command = max(command, await rate(through_command(app, f"c{tag}"), members, gives // 2))
        lines.append(
            f"{engine:9s} {members:7d} {ledger:12.0f} {raw:16.0f} {raw / ledger:8.2f}x "
            f"{command:14.0f}"
        )
    problems, _ = await check_engine(app.engine)
    assert problems == [], problems
    return lines


async def bulk_load(app: App, engine: str, target: str, transfers: int) -> str:
    """A community of 1,000 members where each issuer issued to 20 others, 15m at a time."""
    members = 1000
    async with app.engine.begin() as conn:
        community = int(
            (
                await conn.execute(
                    insert(communities_t.communities)
                    .values(slug="big", name="big", created_at=START)
                    .returning(communities_t.communities.c.id)
                )
            ).scalar_one()
        )
        await conn.execute(
            insert(members_t.members),
            [
                {
                    "community_id": community,
                    "display_name": f"u{i}",
                    "name_key": f"u{i}",
                    "joined_at": START,
                    "offers": "",
                    "seeks": "",
                    "is_admin": i == 0,
                }
                for i in range(members)
            ],
        )
        rows = await conn.execute(
            select(members_t.members.c.id, members_t.members.c.display_name).where(
                members_t.members.c.community_id == community
            )
        )
        ids = {int(r.display_name[1:]): r.id for r in rows}
        await conn.execute(
            insert(members_t.identities),
            [
                {
                    "community_id": community,
                    "member_id": ids[i],
                    "platform": "console",
                    "external_id": f"u{i}",
                }
                for i in range(members)
            ],
        )
        pairs: dict[tuple[int, int], int] = defaultdict(int)  # (issuer, holder) -> minutes
        moves: list[tuple[int, int]] = []
        for k in range(transfers):
            issuer = k % members
            holder = (issuer + 1 + (k // members) % 20) % members
            pairs[(issuer, holder)] += 15
            moves.append((issuer, holder))
        issued: dict[int, int] = defaultdict(int)
        for (a, _), v in pairs.items():
            issued[a] += v
        accounts = [
            {
                "community_id": community,
                "issuer_id": ids[i],
                "kind": "issuer",
                "owner_id": ids[i],
                "ref": 0,
                "debits_posted": issued[i],
                "services": "tutoring",
            }
            for i in range(members)
        ] + [
            {
                "community_id": community,
                "issuer_id": ids[a],
                "kind": "holding",
                "owner_id": ids[b],
                "ref": 0,
                "credits_posted": v,
            }
            for (a, b), v in pairs.items()
        ]
        for row in accounts:
            row.setdefault("debits_posted", 0)
            row.setdefault("credits_posted", 0)
            row.setdefault("services", "")
            row.update(debits_pending=0, credits_pending=0)
        await conn.execute(insert(ledger_t.accounts), accounts)
        rows = await conn.execute(
            select(
                ledger_t.accounts.c.id,
                ledger_t.accounts.c.issuer_id,
                ledger_t.accounts.c.owner_id,
                ledger_t.accounts.c.kind,
            ).where(ledger_t.accounts.c.community_id == community)
        )
        by = {(r.issuer_id, r.owner_id, r.kind): r.id for r in rows}
    records = [
        (
            L.transfer_id(community, "bulk", k),
            community,
            by[(ids[a], ids[a], "issuer")],
            by[(ids[a], ids[b], "holding")],
            15,
            "issue",
            "none",
            None,
            START if engine == "postgres" else START.replace(tzinfo=None).isoformat(" "),
            "",
        )
        for k, (a, b) in enumerate(moves)
    ]
    columns = [
        "id", "community_id", "debit_account_id", "credit_account_id", "amount", "code", "flag",
        "pending_id", "at", "memo",
    ]  # fmt: skip
    if engine == "sqlite":
        async with aiosqlite.connect(target, isolation_level=None) as conn:
            await conn.execute("BEGIN IMMEDIATE")
            await conn.executemany(
                f"INSERT INTO transfers ({', '.join(columns)}) VALUES ({', '.join('?' * 10)})",
                records,
            )
            await conn.execute("COMMIT")
            await conn.execute("ANALYZE")
    else:
        conn = await asyncpg.connect(target)
        try:
            await conn.copy_records_to_table("transfers", records=records, columns=columns)
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
    # The balance of a member who holds 20 currencies, over and over.
    spec = CommunitySpec("big", "big")
    latencies = []
    for n in range(300):
        started = time.perf_counter()
        outcome = await app.core.run(
            Call("voucher balance", Actor("console", "u7", "u7"), f"balance:{n}", spec, {})
        )
        latencies.append((time.perf_counter() - started) * 1000)
        assert outcome.reply.key == "voucher.balance", outcome.reply
    latencies = latencies[20:]  # warm caches first
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[18]
    problems, counts = await check_engine(app.engine)
    state = "clean" if not problems else f"{len(problems)} differences"
    return (
        f"{engine:9s} p50 {p50:5.2f} ms, p95 {p95:5.2f} ms after {counts['transfers']:,} "
        f"transfers ({counts['accounts']:,} accounts; ledger check {state})"
    )


async def on_engine(engine: str, gives: int, transfers: int, rounds: int) -> tuple[list[str], str]:
    clock = ManualClock(START)
    if engine == "sqlite":
        folder = tempfile.mkdtemp()
        path = str(Path(folder) / "bench.db")
        app = await build(path, clock=clock)
        try:
            lines = await throughput(app, engine, path, gives, rounds)
        finally:
            await app.engine.dispose()
        path2 = str(Path(folder) / "big.db")
        app = await build(path2, clock=clock)
        try:
            return lines, await bulk_load(app, engine, path2, transfers)
        finally:
            await app.engine.dispose()
    admin = await asyncpg.connect(PG_DSN)
    names = ["junto_bench_" + secrets.token_hex(4) for _ in range(2)]
    base = PG_DSN.rsplit("/", 1)[0]
    try:
        for name in names:
            await admin.execute(f'CREATE DATABASE "{name}"')
        app = await build(f"{base}/{names[0]}", clock=clock)
        try:
            lines = await throughput(app, engine, f"{base}/{names[0]}", gives, rounds)
        finally:
            await app.engine.dispose()
        app = await build(f"{base}/{names[1]}", clock=clock)
        try:
            return lines, await bulk_load(app, engine, f"{base}/{names[1]}", transfers)
        finally:
            await app.engine.dispose()
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--gives", type=int, default=800, help="transfers per measurement")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    args = parser.parse_args()
    throughput_lines: list[str] = []
    balance_lines: list[str] = []
    for engine in args.engines.split(","):
        lines, balance = await on_engine(engine, args.gives, args.transfers, args.rounds)
        throughput_lines += lines
        balance_lines.append(balance)
    print("Transfers per second (15m gives, one transaction each; raw/ledger is the ledger's cost)")
    print("engine    members  ledger tx/s  raw driver tx/s  raw/ledger  voucher give/s")
    print("\n".join(throughput_lines))
    print()
    print("voucher balance through core.run (target: p95 under 10 ms)")
    print("\n".join(balance_lines))


if __name__ == "__main__":
    asyncio.run(main())
