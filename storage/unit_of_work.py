"""One transaction per command; it rolls back unless committed."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ports.unit_of_work import Unavailable
from storage.repositories.agreements import SqlAgreements
from storage.repositories.auctions import SqlAuctions
from storage.repositories.badges import SqlBadges
from storage.repositories.base import unavailable
from storage.repositories.circles import SqlCircles
from storage.repositories.commands import SqlCommandLog
from storage.repositories.communities import SqlCommunities
from storage.repositories.events import SqlEvents
from storage.repositories.jobs import SqlJobs
from storage.repositories.journeys import SqlJourneys
from storage.repositories.ledger import SqlLedger
from storage.repositories.members import SqlMembers
from storage.repositories.posts import SqlPosts
from storage.repositories.profiles import SqlProfiles
from storage.repositories.settings import SqlSettings

log = logging.getLogger(__name__)


class Checkpoints:
    """When to copy SQLite's write-ahead log back into the database file.

    The copy ends in an fsync and takes milliseconds. SQLite's own automatic
    checkpoint (see storage/engine.py) runs inside a commit, while this process's
    write lock is held and every other command queues behind it; here a unit of
    work runs it after letting go of the lock, so only its own command waits."""

    # About as often as SQLite's default of 1000 pages, at a few pages a command.
    EVERY = 200

    def __init__(self) -> None:
        self._commits = 0

    def committed(self) -> bool:
        """Count a commit; True when it is time for a checkpoint."""
        self._commits += 1
        if self._commits < self.EVERY:
            return False
        self._commits = 0
        return True


async def _checkpoint(conn: AsyncConnection) -> None:
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None, "an open unit of work has a live connection"
    try:
        # PASSIVE copies what it can without waiting for readers or writers.
        await driver.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error as error:
        # Nothing is lost: the log stays until a later checkpoint copies it.
        log.info("SQLite checkpoint skipped: %s", error)


class SqlUnitOfWork:
    communities: SqlCommunities
    members: SqlMembers
    profiles: SqlProfiles
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

    def __init__(
        self,
        engine: AsyncEngine,
        write_lock: asyncio.Lock | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> None:
        self._engine = engine
        self._write_lock = write_lock
        self._holds_lock = False
        self._checkpoints = checkpoints
        self._checkpoint_due = False
        self._conn: AsyncConnection | None = None
        self._committed = False

    @property
    def connection(self) -> AsyncConnection:
        assert self._conn is not None, "the unit of work is not open"
        return self._conn

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._write_lock is not None:
            await self._write_lock.acquire()
            self._holds_lock = True
        try:
            # The transaction begins with the first statement (SQLAlchemy's autobegin),
            # which saves a trip through the async bridge per unit of work. On
            # PostgreSQL the pool pings the connection first (storage/engine.py).
            self._conn = await self._engine.connect()
        except BaseException as error:
            self._release()
            if isinstance(error, Exception) and _cannot_connect(error):
                raise Unavailable(repr(error)) from error
            raise
        conn = self._conn
        self.communities = SqlCommunities(conn)
        self.members = SqlMembers(conn)
        self.profiles = SqlProfiles(conn)
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
        try:
            await self.connection.commit()
        except Exception as error:
            if unavailable(error):
                # Whether the commit landed is unknown; the command's key tells a retry.
                raise Unavailable(repr(error)) from error
            raise
        self._committed = True
        if self._checkpoints is not None:
            self._checkpoint_due = self._checkpoints.committed()

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
                await _rollback(conn, exc)
        finally:
            try:
                if self._checkpoint_due:
                    # The transaction is over: other commands go on meanwhile.
                    self._release()
                    await _checkpoint(conn)
            finally:
                try:
                    await conn.close()
                finally:
                    self._release()

    def _release(self) -> None:
        if self._holds_lock and self._write_lock is not None:
            self._holds_lock = False
            self._write_lock.release()


def _cannot_connect(error: Exception) -> bool:
    # Any failure to connect (down, restarting, refused, even a database or role that
    # is gone) leaves this process unable to serve anyone: the same answer for all.
    return unavailable(error) or isinstance(error, DBAPIError)


async def _rollback(conn: AsyncConnection, exc: BaseException | None) -> None:
    try:
        await conn.rollback()
    except Exception as error:
        # A connection that died has nothing to roll back; the server dropped the
        # transaction with it. Let the error that ended the work speak instead.
        if exc is None and not unavailable(error):
            raise
        log.info("rollback on a lost connection skipped: %r", error)


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite has one writer at a time. Queueing this process's transactions
        # on a lock keeps them from polling the file lock in the busy handler,
        # whose sleeps of up to 100 ms would otherwise make the latency tail.
        sqlite = engine.dialect.name == "sqlite"
        self._write_lock = asyncio.Lock() if sqlite else None
        self._checkpoints = Checkpoints() if sqlite else None

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._write_lock, self._checkpoints)
