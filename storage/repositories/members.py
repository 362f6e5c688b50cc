"""Members and their platform identities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update

from bot.model.members import Member, context_key
from storage.repositories.base import Repository
from storage.tables import members as members_t

# Statements every command runs, built once: building and cache-keying a
# statement costs more than running it on a small table.
_MEMBER_BY_IDENTITY = (
    select(members_t.members)
    .join(members_t.identities, members_t.identities.c.member_id == members_t.members.c.id)
    .where(
        members_t.identities.c.community_id == bindparam("community_id"),
        members_t.identities.c.platform == bindparam("platform"),
        members_t.identities.c.external_id == bindparam("external_id"),
    )
)


_MEMBER_BY_ID = select(members_t.members).where(members_t.members.c.id == bindparam("member_id"))


# Parameters named after columns fill the SET clause.
_SAVE_MEMBER = update(members_t.members).where(members_t.members.c.id == bindparam("b_member_id"))


_IDENTITIES = (
    select(members_t.identities.c.platform, members_t.identities.c.external_id)
    .where(members_t.identities.c.member_id == bindparam("member_id"))
    .order_by(members_t.identities.c.id)
)


def to_member(row: Row[Any]) -> Member:
    return Member(
        id=row.id,
        community_id=row.community_id,
        display_name=row.display_name,
        joined_at=row.joined_at,
        context=row.context,
        timezone=row.timezone,
        offers=row.offers,
        seeks=row.seeks,
        is_admin=row.is_admin,
        is_assessor=row.is_assessor,
        is_trustee=row.is_trustee,
    )


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())[:80]


class SqlMembers(Repository):
    async def by_identity(
        self, community_id: int, platform: str, external_id: str
    ) -> Member | None:
        params = {"community_id": community_id, "platform": platform, "external_id": external_id}
        row = (await self._exec(_MEMBER_BY_IDENTITY, params)).first()
        return to_member(row) if row else None

    async def get(self, member_id: int) -> Member:
        row = (await self._exec(_MEMBER_BY_ID, {"member_id": member_id})).one()
        return to_member(row)

    async def by_name(self, community_id: int, name: str) -> list[Member]:
        rows = await self._exec(
            select(members_t.members).where(
                members_t.members.c.community_id == community_id,
                members_t.members.c.name_key == _name_key(name),
                members_t.members.c.merged_into.is_(None),
            )
        )
        return [to_member(r) for r in rows]

    async def create(
        self, community_id: int, display_name: str, now: datetime, *, admin: bool = False
    ) -> Member:
        result = await self._exec(
            insert(members_t.members)
            .values(
                community_id=community_id,
                display_name=display_name,
                name_key=_name_key(display_name),
                joined_at=now,
                is_admin=admin,
                is_assessor=False,
                is_trustee=False,
                offers="",
                seeks="",
            )
            .returning(members_t.members.c.id)
        )
        return Member(
            id=int(result.scalar_one()),
            community_id=community_id,
            display_name=display_name,
            joined_at=now,
            is_admin=admin,
        )

    async def count(self, community_id: int) -> int:
        result = await self._exec(
            select(func.count()).where(members_t.members.c.community_id == community_id)
        )
        return int(result.scalar_one())

    async def count_admins(self, community_id: int) -> int:
        result = await self._exec(
            select(func.count()).where(
                members_t.members.c.community_id == community_id,
                members_t.members.c.is_admin.is_(True),
            )
        )
        return int(result.scalar_one())

    async def save(self, member: Member) -> None:
        await self._exec(
            _SAVE_MEMBER,
            {
                "b_member_id": member.id,
                "display_name": member.display_name,
                "name_key": _name_key(member.display_name),
                "context": member.context,
                "context_key": context_key(member.context),
                "timezone": member.timezone,
                "offers": member.offers,
                "seeks": member.seeks,
                "is_admin": member.is_admin,
                "is_assessor": member.is_assessor,
                "is_trustee": member.is_trustee,
            },
        )

    async def add_identity(
        self, community_id: int, member_id: int, platform: str, external_id: str
    ) -> None:
        await self._exec(
            insert(members_t.identities).values(
                community_id=community_id,
                member_id=member_id,
                platform=platform,
                external_id=external_id,
            )
        )

    async def identities(self, member_id: int) -> list[tuple[str, str]]:
        rows = await self._exec(_IDENTITIES, {"member_id": member_id})
        return [(r.platform, r.external_id) for r in rows]
