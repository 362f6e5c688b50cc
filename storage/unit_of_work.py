"""One transaction per command; it rolls back unless committed."""

from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.repositories import (
    SqlCircles,
    SqlCommandLog,
    SqlCommunities,
    SqlMembers,
    SqlPosts,
    SqlSettings,
)
from storage.repositories_badges import SqlBadges
from storage.repositories_events import SqlEvents, SqlJobs
from storage.repositories_journeys import SqlJourneys
from storage.repositories_ledger import SqlAgreements, SqlAuctions, SqlLedger


class SqlUnitOfWork:
    communities: SqlCommunities
    members: SqlMembers
    circles: SqlCircles
    settings: SqlSettings
    commands: SqlCommandLog
    posts: SqlPosts
    events: SqlEvents
    jobs: SqlJobs
    ledger: SqlLedger
    agreements: SqlAgreements
    auctions: SqlAuctions
    badges: SqlBadges
    journeys: SqlJourneys

    def __init__(self, engine: AsyncEngine, write_lock: asyncio.Lock | None = None) -> None:
        self._engine = engine
        self._write_lock = write_lock
        self._conn: AsyncConnection | None = None
        self._committed = False

    @property
    def connection(self) -> AsyncConnection:
        assert self._conn is not None, "the unit of work is not open"
        return self._conn

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        try:
            self._conn = await self._engine.connect()
            await self._conn.begin()
        except BaseException:
            self._release()
            raise
        conn = self._conn
        self.communities = SqlCommunities(conn)
        self.members = SqlMembers(conn)
        self.circles = SqlCircles(conn)
        self.settings = SqlSettings(conn)
        self.commands = SqlCommandLog(conn)
        self.posts = SqlPosts(conn)
        self.events = SqlEvents(conn)
        self.jobs = SqlJobs(conn)
        self.ledger = SqlLedger(conn)
        self.agreements = SqlAgreements(conn)
        self.auctions = SqlAuctions(conn)
        self.badges = SqlBadges(conn)
        self.journeys = SqlJourneys(conn)
        return self

    async def commit(self) -> None:
        await self.connection.commit()
        self._committed = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if not self._committed:
                await conn.rollback()
        finally:
            try:
                await conn.close()
            finally:
                self._release()

    def _release(self) -> None:
        if self._write_lock is not None and self._write_lock.locked():
            self._write_lock.release()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite has one writer at a time. Queueing this process's transactions
        # on a lock keeps them from polling the file lock in the busy handler,
        # whose sleeps of up to 100 ms would otherwise make the latency tail.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._write_lock)
