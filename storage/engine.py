"""The async engine, from a URL or a SQLite file path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


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


def make_engine(url: str, *, schema: str | None = None, pool_size: int = 10) -> AsyncEngine:
    url = database_url(url)
    if url.startswith("sqlite"):
        return _sqlite(url)
    connect_args: dict[str, Any] = {}
    if schema is not None:
        # A private schema per test run keeps runs apart on one database.
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size, connect_args=connect_args
    )


def _sqlite(url: str) -> AsyncEngine:
    # Every unit of work ends in an explicit commit or rollback, so the pool's
    # own rollback on return would only cost another trip to the driver thread.
    engine = create_async_engine(url, connect_args={"timeout": 30}, pool_reset_on_return=None)

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
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # Every command may write; taking the write lock up front avoids the
        # deadlock of two readers both upgrading to writers.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"
