"""One transaction per command; it rolls back unless committed."""

from __future__ import annotations

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


class SqlUnitOfWork:
    communities: SqlCommunities
    members: SqlMembers
    circles: SqlCircles
    settings: SqlSettings
    commands: SqlCommandLog
    posts: SqlPosts

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._committed = False

    @property
    def connection(self) -> AsyncConnection:
        assert self._conn is not None, "the unit of work is not open"
        return self._conn

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = await self._engine.connect()
        await self._conn.begin()
        conn = self._conn
        self.communities = SqlCommunities(conn)
        self.members = SqlMembers(conn)
        self.circles = SqlCircles(conn)
        self.settings = SqlSettings(conn)
        self.commands = SqlCommandLog(conn)
        self.posts = SqlPosts(conn)
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
            await conn.close()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
