"""A community's stored settings, and the version that tells when they changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update

from storage.repositories.base import Repository
from storage.tables import communities as communities_t
from storage.tables import settings as settings_t

_SETTINGS = select(settings_t.settings.c.name, settings_t.settings.c.value).where(
    settings_t.settings.c.community_id == bindparam("community_id")
)


_BUMP_SETTINGS = (
    update(communities_t.communities)
    .where(communities_t.communities.c.id == bindparam("community_id"))
    .values(settings_version=communities_t.communities.c.settings_version + 1)
)


class SqlSettings(Repository):
    async def stored(self, community_id: int) -> dict[str, Any]:
        rows = await self._exec(_SETTINGS, {"community_id": community_id})
        return {r.name: r.value for r in rows}

    async def put(self, community_id: int, name: str, value: Any) -> None:
        where = and_(
            settings_t.settings.c.community_id == community_id, settings_t.settings.c.name == name
        )
        await self._exec(delete(settings_t.settings).where(where))
        await self._exec(
            insert(settings_t.settings).values(community_id=community_id, name=name, value=value)
        )
        await self._exec(_BUMP_SETTINGS, {"community_id": community_id})
