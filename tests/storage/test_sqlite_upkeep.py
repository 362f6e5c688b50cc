"""SQLite upkeep: each statement in one trip to the driver, the transaction begun
with its first statement, and checkpoints taken outside the write lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

import storage.unit_of_work as unit_of_work
from adapters.app import build
from bot.clock import ManualClock
from storage.tables import communities as communities_t
from storage.unit_of_work import Checkpoints, SqlUnitOfWorkFactory
from tests.support import START


async def test_a_checkpoint_runs_after_the_write_lock_is_let_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await build(str(tmp_path / "junto.db"), clock=ManualClock(START))
    try:
        factory = SqlUnitOfWorkFactory(app.engine)
        lock = factory._write_lock
        assert lock is not None
        seen: list[bool] = []

        async def checkpoint(conn: AsyncConnection) -> None:
            seen.append(lock.locked())
            # Another unit of work may start meanwhile, and keeps its own lock.
            async with factory() as other:
                await other.communities.get_or_create("other", "other", START)
                await other.commit()
                assert lock.locked()

        monkeypatch.setattr(unit_of_work, "_checkpoint", checkpoint)
        for _ in range(Checkpoints.EVERY):
            async with factory() as uow:
                await uow.communities.get_or_create("here", "here", START)
                await uow.commit()
        assert seen == [False]
        assert not lock.locked()
    finally:
        await app.engine.dispose()


async def test_the_real_checkpoint_empties_the_log(tmp_path: Path) -> None:
    app = await build(str(tmp_path / "junto.db"), clock=ManualClock(START))
    try:
        async with app.engine.connect() as conn:
            await conn.execute(
                insert(communities_t.communities).values(slug="s", name="s", created_at=START)
            )
            await conn.commit()
            await unit_of_work._checkpoint(conn)
            raw = await conn.get_raw_connection()
            assert raw.driver_connection is not None
            rows = await raw.driver_connection.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
            busy, logged, copied = next(iter(rows))
            assert busy == 0 and logged == copied
    finally:
        await app.engine.dispose()


async def test_rows_counts_and_errors_come_through_the_one_trip_cursor(tmp_path: Path) -> None:
    app = await build(str(tmp_path / "junto.db"), clock=ManualClock(START))
    try:
        async with app.engine.connect() as conn:
            many = [{"slug": f"c{n}", "name": "c", "created_at": START} for n in range(5)]
            await conn.execute(insert(communities_t.communities), many)
            changed = await conn.execute(
                text("UPDATE communities SET name = 'd' WHERE slug IN ('c1', 'c2')")
            )
            assert changed.rowcount == 2
            names = (await conn.execute(select(communities_t.communities.c.slug))).scalars().all()
            assert sorted(names) == [f"c{n}" for n in range(5)]
            with pytest.raises(Exception, match="UNIQUE"):
                await conn.execute(insert(communities_t.communities), many[0])
            await conn.rollback()
            # The failed transaction rolled back whole: nothing of it stayed.
            left = (await conn.execute(select(communities_t.communities.c.slug))).scalars().all()
            assert left == []
    finally:
        await app.engine.dispose()


async def test_a_begin_that_found_the_database_locked_is_sent_again(tmp_path: Path) -> None:
    path = tmp_path / "junto.db"
    app = await build(str(path), clock=ManualClock(START))
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        async with app.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert raw.driver_connection is not None
            await raw.driver_connection.execute_fetchall("PRAGMA busy_timeout=50")
            row = {"slug": "s", "name": "s", "created_at": START}
            blocker.execute("BEGIN IMMEDIATE")
            with pytest.raises(OperationalError, match="locked"):
                await conn.execute(insert(communities_t.communities), row)
            blocker.execute("ROLLBACK")
            await conn.execute(insert(communities_t.communities), row)
            await conn.rollback()
            # Had the insert run outside a transaction, it would have stayed.
            left = (await conn.execute(select(communities_t.communities.c.slug))).scalars().all()
            assert left == []
            await conn.rollback()
    finally:
        blocker.close()
        await app.engine.dispose()
