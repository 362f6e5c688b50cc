"""Members and their platform identities."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.model.members import Member


class MemberRepository(Protocol):
    async def by_identity(
        self, community_id: int, platform: str, external_id: str
    ) -> Member | None: ...

    async def get(self, member_id: int) -> Member: ...

    async def by_name(self, community_id: int, name: str) -> list[Member]: ...

    async def create(
        self, community_id: int, display_name: str, now: datetime, *, admin: bool = False
    ) -> Member: ...

    async def count(self, community_id: int) -> int: ...

    async def count_admins(self, community_id: int) -> int: ...

    async def save(self, member: Member) -> None:
        """Write back the profile fields and roles."""
        ...

    async def add_identity(
        self, community_id: int, member_id: int, platform: str, external_id: str
    ) -> None: ...

    async def identities(self, member_id: int) -> list[tuple[str, str]]: ...
