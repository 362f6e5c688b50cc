"""What a member's reads cost grows with what they see, not with the community.

A community is grown straight into the tables at two sizes, ten times apart, with
the member's own history the same in both. Every statement the reading commands
run is then looked at on each size. On PostgreSQL each is prepared and executed
ten times, so past the fifth execution, where a generic plan may take over, and
EXPLAIN ANALYZE counts the rows its plan touched: as the plan PostgreSQL chose,
and as the generic plan forced. On SQLite, EXPLAIN QUERY PLAN must show no table
read from end to end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from adapters.app import App
from adapters.text import parse
from bench.community import SLUG, Grown, grow
from bot.core import Call, CommunitySpec
from bot.model.members import Actor
from storage.tables import metadata
from tests.support import app_on

pytestmark = pytest.mark.slow

SMALL, BIG, OWN = 2, 20, 3

READS = (
    "!circle list",
    "!circle list 2",
    "!circle info {circle}",
    "!event list",
    "!event list {circle}",
    "!event info {upcoming}",
    "!review status {past}",
    "!obligations",
    "!voucher balance",
    "!voucher history",
    "!voucher history 2",
    "!voucher requests",
    "!provider list",
    '!provider list "{skill}"',
    "!agreement list",
    "!auction list",
    "!auction info {auction}",
    "!reputation",
    "!badge list",
    "!pathway",
    "!journey page:1",
    "!journey page:2",
    "!profile show",
)

Statement = tuple[str, Any]


async def _say(app: App, line: str, key: str) -> None:
    parsed = parse(line, "!", app.core.catalogue)
    spec = CommunitySpec(SLUG, SLUG)
    outcome = await app.core.run(
        Call(parsed.command, Actor("console", "me", "me"), key, spec, parsed.args)
    )
    assert not outcome.reply.key.startswith(("input.", "command.", "error.")), line


async def _reads(app: App, grown: Grown) -> dict[str, list[Statement]]:
    """The SELECT statements each read ran, with their parameters, as the driver saw them."""
    seen: list[Statement] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    found: dict[str, list[Statement]] = {}
    event.listen(app.engine.sync_engine, "before_cursor_execute", capture)
    try:
        for index, read in enumerate(READS):
            seen.clear()
            await _say(app, read.format(**vars(grown)), f"plan:{index}")
            found[read] = list(seen)
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", capture)
    return found


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no literal for {value!r}")


def _scans(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "Relation Name" in node:
        yield node
    for child in node.get("Plans", []):
        yield from _scans(child)


def touched(plan: dict[str, Any]) -> int:
    """Rows the plan's scans read: those kept and those their filters threw away."""
    return sum(
        int(
            (
                n.get("Actual Rows", 0)
                + n.get("Rows Removed by Filter", 0)
                + n.get("Rows Removed by Index Recheck", 0)
            )
            * n.get("Actual Loops", 1)
        )
        for n in _scans(plan)
    )


async def _postgres_costs(app: App, reads: dict[str, list[Statement]]) -> dict[str, list[int]]:
    """Rows touched by each statement of each read, as chosen and as generic plans."""
    costs: dict[str, list[int]] = {}
    async with app.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        # Tables this small are read whole by choice, and would be through their
        # index once they grew: so plans are looked at as they will be by then.
        await raw.execute("SET enable_seqscan = off")
        for read, statements in reads.items():
            found = costs.setdefault(read, [])
            for sql, params in statements:
                run = (
                    f"EXECUTE q({', '.join(_literal(v) for v in params)})"
                    if params
                    else ("EXECUTE q")
                )
                for mode in ("auto", "force_generic_plan"):
                    await raw.execute(f"SET plan_cache_mode = {mode}")
                    await raw.execute(f"PREPARE q AS {sql}")
                    for _ in range(10):
                        await raw.execute(run)
                    got = await raw.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {run}")
                    await raw.execute("DEALLOCATE q")
                    plans = json.loads(got) if isinstance(got, str) else got
                    found.append(touched(plans[0]["Plan"]))
        await raw.execute("RESET plan_cache_mode")
        await raw.execute("RESET enable_seqscan")
    return costs


async def test_member_reads_touch_rows_by_what_they_show(engine_name: str, tmp_path: Path) -> None:
    reads: dict[int, dict[str, list[Statement]]] = {}
    costs: dict[int, dict[str, list[int]]] = {}
    for size in (SMALL, BIG):
        (tmp_path / f"c{size}").mkdir()
        async with app_on(engine_name, tmp_path / f"c{size}") as app:
            grown = await grow(app, community=size, own=OWN)
            # Pages of five, so the smaller community fills every page read too.
            await _say(app, "!admin settings page_size 5", "plan:setting")
            reads[size] = await _reads(app, grown)
            if engine_name == "postgres":
                costs[size] = await _postgres_costs(app, reads[size])
            else:
                await _no_whole_table_reads(app, reads[size])
    if engine_name != "postgres":
        return
    grew = [
        f"{read}: statement {n // 2 + 1} ({'generic' if n % 2 else 'chosen'} plan) touched "
        f"{small} rows at {SMALL}x and {big} at {BIG}x"
        for read in READS
        for n, (small, big) in enumerate(zip(costs[SMALL][read], costs[BIG][read], strict=True))
        # Ten times the community; what a read touches may not follow it.
        if big > 2 * small + 150
    ]
    assert not grew, "\n".join(grew)


# Names a query gives the tables it reads (aliases included); a SCAN of one of
# these is a read of the whole table.
_ALIASES = {
    "debit",
    "credit",
    "debit_m",
    "credit_m",
    "issuer_m",
    "other",
    "provider",
    "learner",
    "issuer",
    "seller",
    "bidder",
    "best",
}
# One row per community: reading it whole is reading a row.
_TINY = {"communities", "settings"}


async def _no_whole_table_reads(app: App, reads: dict[str, list[Statement]]) -> None:
    tables = (set(metadata.tables) | _ALIASES) - _TINY
    whole: list[str] = []
    async with app.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        for read, statements in reads.items():
            for sql, params in statements:
                for row in await raw.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params):
                    scan = re.match(r"SCAN (\w+)", row[3])
                    if scan and scan.group(1) in tables:
                        whole.append(f"{read}: {row[3]} in {sql[:120]!r}")
    assert not whole, "\n".join(whole)
