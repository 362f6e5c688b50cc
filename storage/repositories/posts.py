"""Messages Junto posted that stand for an object."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from bot.replies import Anchor
from storage.repositories.base import Repository
from storage.tables import posts as posts_t


class SqlPosts(Repository):
    async def record(
        self, community_id: int, platform: str, external_id: str, anchor: Anchor
    ) -> None:
        # The newest message with an id is the one people react to: the console
        # numbers its messages afresh in every run on the same database.
        await self._exec(
            delete(posts_t.posts).where(
                posts_t.posts.c.community_id == community_id,
                posts_t.posts.c.platform == platform,
                posts_t.posts.c.external_id == external_id,
            )
        )
        await self._exec(
            insert(posts_t.posts).values(
                community_id=community_id,
                platform=platform,
                external_id=external_id,
                kind=anchor.kind,
                object_id=anchor.object_id,
            )
        )

    async def find(self, community_id: int, platform: str, external_id: str) -> Anchor | None:
        row = (
            await self._exec(
                select(posts_t.posts.c.kind, posts_t.posts.c.object_id).where(
                    posts_t.posts.c.community_id == community_id,
                    posts_t.posts.c.platform == platform,
                    posts_t.posts.c.external_id == external_id,
                )
            )
        ).first()
        return Anchor(row.kind, int(row.object_id)) if row else None
