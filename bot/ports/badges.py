"""What the badges, journeys and personal-data services need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.model.badges import Award, Facts


class BadgeRepository(Protocol):
    async def awards(self, member_id: int) -> list[Award]: ...

    async def by_number(self, community_id: int, number: int) -> Award | None: ...

    async def add_award(
        self,
        community_id: int,
        number: int,
        member_id: int,
        code: str,
        name: str,
        description: str,
        criteria: str,
        evidence: str,
        awarded_by: int | None,
        now: datetime,
    ) -> None: ...

    async def facts(self, member: Any, now: datetime) -> Facts: ...

    async def passed_skills(self, member_id: int) -> list[tuple[str, datetime, str]]: ...

    async def involved_in_closed(
        self, community_id: int, after: datetime | None, until: datetime
    ) -> list[int]:
        """Members whose events closed their review in [after, until]."""
        ...

    async def swept_until(self, community_id: int) -> datetime | None: ...

    async def set_swept(self, community_id: int, until: datetime, *, first: bool) -> None: ...

    async def community_ids(self) -> list[int]: ...

    async def key(self, community_id: int) -> str | None: ...

    async def put_key(self, community_id: int, secret: str, now: datetime) -> None: ...
