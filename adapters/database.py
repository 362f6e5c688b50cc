"""The database a command line names: checked for what the command will do with
it, and one clear line for each way it can't be opened, instead of a traceback."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.ports.unit_of_work import Unavailable
from storage.engine import CONNECT_TIMEOUT, database_url, make_engine, sqlite_path


class DatabaseProblem(Exception):
    """Why the database can't be used, in one line for the person who named it."""


def shown(url: str) -> str:
    """The database as a person wrote it: a file path, or a URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    parsed = make_url(database_url(url))
    return parsed.set(drivername=parsed.drivername.split("+")[0]).render_as_string()


def check(url: str, *, write: bool, create: bool) -> None:
    """What can be told before connecting: a SQLite file that isn't there (and may
    not be made), or can't be read, or written. PostgreSQL answers for itself."""
    path = sqlite_path(url)
    if path is None:
        return
    where = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a directory, not a database file")
    if not path.exists():
        if not create:
            raise DatabaseProblem(f"there is no database at {path}")
        if not where.is_dir():
            raise DatabaseProblem(
                f"can't create the database {path}: the directory {where} does not exist"
            )
        if not os.access(where, os.W_OK):
            raise DatabaseProblem(
                f"can't create the database {path}: the directory {where} is read-only"
            )
        return
    if not os.access(path, os.R_OK):
        raise DatabaseProblem(f"can't read the database {path}: permission denied")
    if write and not os.access(path, os.W_OK):
        raise DatabaseProblem(
            f"the database {path} is read-only, and this command writes to it "
            f"(`junto ledger check --db {path}` only reads)"
        )
    if write and not os.access(where, os.W_OK):
        raise DatabaseProblem(
            f"the directory {where} is read-only, and SQLite writes its journal beside "
            f"the database {path} (`junto ledger check --db {path}` only reads)"
        )


async def require_writable(url: str) -> None:
    """PostgreSQL tells for itself whether it takes writes: a standby, or a database
    with `default_transaction_read_only`, only reads."""
    if sqlite_path(url) is not None:
        return
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            read_only = (await conn.execute(text("SHOW transaction_read_only"))).scalar()
    finally:
        await engine.dispose()
    if read_only == "on":
        raise DatabaseProblem(
            f"the database {shown(url)} is read-only, and this command writes to it "
            f"(`junto ledger check --db {shown(url)}` only reads)"
        )


def describe(error: BaseException, url: str) -> str | None:
    """One line for a failure to open or migrate the database; None for anything
    else (a bug, which keeps its traceback)."""
    if isinstance(error, DatabaseProblem):
        return str(error)
    if not isinstance(error, DBAPIError | OSError | TimeoutError | Unavailable):
        return None
    cause = _root(error)
    return f"can't open the database {shown(url)}: {_reason(cause)}"


def _root(error: BaseException) -> BaseException:
    seen: BaseException = error
    while True:
        inner = getattr(seen, "orig", None) or seen.__cause__
        if inner is None or inner is seen:
            return seen
        seen = inner


def _reason(cause: BaseException) -> str:
    if isinstance(cause, socket.gaierror):
        return "no such host"
    if isinstance(cause, ConnectionRefusedError):
        return "nothing answers there (is the server running?)"
    if isinstance(cause, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT} s"
    if isinstance(cause, OSError) and cause.errno in (errno.EACCES, errno.EROFS):
        return "permission denied"
    state = getattr(cause, "sqlstate", None)
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    if state == "3D000":
        return f"{message} (create it with `createdb`, or check the name)"
    return message
