"""Communities, and the short numbers people use in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from bot.ports.communities import Community
from bot.ports.unit_of_work import Duplicate
from storage.repositories.base import Repository
from storage.tables import communities as communities_t


class SqlCommunities(Repository):
    async def get_or_create(self, slug: str, name: str, now: datetime) -> Community:
        row = (
            await self._exec(
                select(communities_t.communities).where(communities_t.communities.c.slug == slug)
            )
        ).first()
        if row is None:
            try:
                async with self.conn.begin_nested():
                    await self._exec(
                        insert(communities_t.communities).values(
                            slug=slug, name=name, created_at=now
                        )
                    )
            except Duplicate:
                pass  # created concurrently; read it below
            row = (
                await self._exec(
                    select(communities_t.communities).where(
                        communities_t.communities.c.slug == slug
                    )
                )
            ).one()
        return Community(row.id, row.slug, row.name, row.created_at)

    async def next_number(self, community_id: int) -> int:
        result = await self._exec(
            update(communities_t.communities)
            .where(communities_t.communities.c.id == community_id)
            .values(next_number=communities_t.communities.c.next_number + 1)
            .returning(communities_t.communities.c.next_number)
        )
        return int(result.scalar_one()) - 1
