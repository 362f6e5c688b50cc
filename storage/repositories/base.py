"""The core's ports, implemented with explicit row <-> model mapping."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from bot.ports.unit_of_work import Duplicate, Retry, Unavailable

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
# The server is shutting down or starting up, has too many connections, or takes
# no writes (a standby, or a database made read-only while it ran).
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300", "25006"}


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database went away, rather than what was asked of it."""
    if isinstance(error, OSError | TimeoutError):  # refused, reset, no route, timed out
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = _sqlstate(error) or ""
    if state.startswith("08") or state in _UNAVAILABLE_SQLSTATES:
        return True
    # SQLite's file (or its directory) stopped taking writes while it ran.
    return "readonly database" in str(error.orig).lower()


def _sqlstate(error: DBAPIError) -> str | None:
    orig = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if state:
            return str(state)
    return None


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"

    async def _exec(self, statement: Executable, params: Any = None) -> Any:
        try:
            return await self.conn.execute(statement, params)
        except IntegrityError as error:
            raise Duplicate(str(error.orig)) from error
        except DBAPIError as error:
            if unavailable(error):
                raise Unavailable(str(error.orig)) from error
            message = str(error.orig).lower()
            if _sqlstate(error) in _RETRYABLE_SQLSTATES or "database is locked" in message:
                raise Retry(message) from error
            raise
        except (OSError, TimeoutError) as error:
            raise Unavailable(repr(error)) from error

    def _insert(self, table: Any) -> Any:
        return sqlite_insert(table) if self.sqlite else pg_insert(table)

    def _claim(self, statement: Any, skip_locked: bool) -> Any:
        """Lock a row for a job; with skip_locked, another process's claim is passed over."""
        if self.sqlite:
            return statement
        return statement.with_for_update(skip_locked=skip_locked)

    def _for_update(self, statement: Any) -> Any:
        # SQLite's BEGIN IMMEDIATE already serialises writers.
        return statement if self.sqlite else statement.with_for_update()
