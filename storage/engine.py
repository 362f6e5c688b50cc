"""The async engine, from a URL or a SQLite file path."""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util.concurrency import await_


def database_url(target: str) -> str:
    """`--db` takes a file path or a URL; bare paths become SQLite files."""
    if "://" in target:
        url = make_url(target)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+asyncpg")
        elif url.drivername == "sqlite":
            url = url.set(drivername="sqlite+aiosqlite")
        return url.render_as_string(hide_password=False)
    return f"sqlite+aiosqlite:///{Path(target).expanduser()}"


CONNECT_TIMEOUT = 10  # seconds


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL or an in-memory database."""
    parsed = make_url(database_url(url))
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(
    url: str, *, schema: str | None = None, pool_size: int = 10, read_only: bool = False
) -> AsyncEngine:
    """`read_only` opens a SQLite file without writing to it or beside it (for
    commands that only read); PostgreSQL is read the usual way."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if read_only and path is not None:
            return _sqlite_read_only(path)
        return _sqlite(url)
    # A server that can't be reached is reported within seconds, not a minute.
    connect_args: dict[str, Any] = {"timeout": CONNECT_TIMEOUT}
    if schema is not None:
        # A private schema per test run keeps runs apart on one database.
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args=connect_args,
        # A pooled connection may have died while idle (the server restarted, or
        # dropped it): each is checked as it is taken, and replaced if dead.
        pool_pre_ping=True,
    )


def _sqlite(url: str) -> AsyncEngine:
    # Every unit of work ends in an explicit commit or rollback, so the pool's
    # own rollback on return would only cost another trip to the driver thread.
    engine = create_async_engine(
        url,
        connect_args={"timeout": 30},
        pool_reset_on_return=None,
        module=_OneTripDbapi(aiosqlite, sqlite3),
    )

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "synchronous=NORMAL",
            # Units of work from a factory checkpoint outside the write lock (see
            # storage/unit_of_work.py); this is the backstop for any other writer.
            "wal_autocheckpoint=10000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # Every command may write; taking the write lock up front avoids the
        # deadlock of two readers both upgrading to writers. It is sent with the
        # transaction's first statement, in the same trip to the driver's thread.
        connection.connection.dbapi_connection.begin_immediate()

    return engine


def _sqlite_read_only(path: Path) -> AsyncEngine:
    # SQLite writes a shared-memory file beside a WAL database even to read it; in
    # a directory nobody may write, nobody can be writing the database either, so
    # it is read as immutable.
    immutable = "&immutable=1" if not os.access(path.resolve().parent, os.W_OK) else ""
    target = quote(str(path.resolve()))
    engine = create_async_engine(
        f"sqlite+aiosqlite:///file:{target}?mode=ro{immutable}&uri=true",
        connect_args={"timeout": 30},
        module=_OneTripDbapi(aiosqlite, sqlite3),
    )

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred transaction: it reads one consistent state and takes no write lock.
        connection.exec_driver_sql("BEGIN")

    return engine


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


# aiosqlite runs each call (make a cursor, execute, fetch, close) as its own trip
# to the connection's thread, and each trip costs far more than a small query on a
# small table. The cursor below does the whole statement in one trip, together
# with the BEGIN of the transaction when it is the first statement.

_BEGIN = "BEGIN IMMEDIATE"


class _Outcome:
    """What a statement left behind, read in the driver's thread."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor, fetch: bool) -> None:
        self.description = cursor.description
        self.rows: list[Any] = cursor.fetchall() if fetch and cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


def _begin(began: list[bool] | None, conn: sqlite3.Connection) -> None:
    if began is not None:
        conn.execute(_BEGIN).close()
        began.append(True)


def _execute(
    conn: sqlite3.Connection, began: list[bool] | None, operation: str, parameters: Any
) -> _Outcome:
    _begin(began, conn)
    cursor = conn.execute(operation, () if parameters is None else parameters)
    try:
        return _Outcome(cursor, fetch=True)
    finally:
        cursor.close()


def _executemany(
    conn: sqlite3.Connection, began: list[bool] | None, operation: str, seq: Sequence[Any]
) -> _Outcome:
    _begin(began, conn)
    cursor = conn.executemany(operation, seq)
    try:
        return _Outcome(cursor, fetch=False)
    finally:
        cursor.close()


class _OneTripCursor:
    """The DBAPI cursor SQLAlchemy drives, buffering every result."""

    server_side = False

    def __init__(self, adapted: _OneTripConnection) -> None:
        self._adapted = adapted
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: deque[Any] = deque()

    def _trip(self, fn: Any, operation: str, parameters: Any) -> None:
        adapted = self._adapted
        driver: Any = adapted._connection
        # Filled in the driver's thread once BEGIN has succeeded.
        began: list[bool] | None = [] if adapted._begin_pending else None
        adapted._begin_pending = False
        try:
            # aiosqlite's own queue to its thread, as SQLAlchemy's adapter also uses it.
            outcome: _Outcome = await_(
                driver._execute(fn, driver._conn, began, operation, parameters)
            )
        except Exception as error:
            # A BEGIN that failed (the database stayed locked) is still to be sent.
            adapted._begin_pending = began == []
            adapted._handle_exception(error)
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid
        self._rows = deque(outcome.rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._trip(_execute, operation, parameters)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        self._trip(_executemany, operation, seq_of_parameters)

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __iter__(self) -> Any:
        while self._rows:
            yield self._rows.popleft()

    def setinputsizes(self, *_sizes: Any) -> None:
        pass

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        # The sqlite3 cursor was closed in the driver's thread already.
        pass


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_begin_pending",)

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin_pending = False

    def begin_immediate(self) -> None:
        self._begin_pending = True

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            if self._begin_pending:
                _OneTripCursor(self).execute("SELECT 1")
            return super().cursor(server_side=True)
        return _OneTripCursor(self)

    def commit(self) -> None:
        # A transaction that ran no statement never began: nothing to end.
        if self._begin_pending:
            self._begin_pending = False
        else:
            super().commit()

    def rollback(self) -> None:
        if self._begin_pending:
            self._begin_pending = False
        else:
            super().rollback()


class _OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return _OneTripConnection(self, adapted._connection)
