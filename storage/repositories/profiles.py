"""Linking a member's identities with one-time codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, insert, select, update

from storage.repositories.base import Repository
from storage.repositories.members import SqlMembers
from storage.tables import circles as circles_t
from storage.tables import members as members_t
from storage.tables import profiles as profiles_t


class SqlProfiles(Repository):
    async def move_identity(
        self, community_id: int, platform: str, external_id: str, member_id: int
    ) -> None:
        await self._exec(
            update(members_t.identities)
            .where(
                members_t.identities.c.community_id == community_id,
                members_t.identities.c.platform == platform,
                members_t.identities.c.external_id == external_id,
            )
            .values(member_id=member_id)
        )

    async def merge_into(self, old_id: int, new_id: int) -> None:
        await self._exec(
            update(members_t.members)
            .where(members_t.members.c.id == old_id)
            .values(merged_into=new_id)
        )

    async def has_history(self, member_id: int) -> bool:
        seats = await self._exec(
            select(func.count()).where(circles_t.circle_seats.c.member_id == member_id)
        )
        member = await SqlMembers(self.conn).get(member_id)
        return int(seats.scalar_one()) > 0 or bool(member.roles())

    async def put_link_code(
        self, community_id: int, member_id: int, code: str, expires_at: datetime
    ) -> None:
        await self._exec(
            insert(profiles_t.link_codes).values(
                community_id=community_id, code=code, member_id=member_id, expires_at=expires_at
            )
        )

    async def take_link_code(self, community_id: int, code: str, now: datetime) -> int | None:
        where = and_(
            profiles_t.link_codes.c.community_id == community_id,
            profiles_t.link_codes.c.code == code,
        )
        row = (await self._exec(select(profiles_t.link_codes).where(where))).first()
        await self._exec(delete(profiles_t.link_codes).where(where))
        if row is None or row.expires_at <= now:
            return None
        return int(row.member_id)
