"""What the badges, journeys and personal-data services need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.model.badges import Award, CredentialStatus, Facts

if TYPE_CHECKING:
    from bot.ports.communities import Community


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

    async def revoke(self, award_id: int, by: int, reason: str, now: datetime) -> list[int]:
        """Mark the award revoked, and the status entries of its credential and of every
        pathway credential resting on it; the status indexes that became revoked."""
        ...

    async def communities(self) -> list[Community]:
        """Every community, for the command line's status list, DID document and checks."""
        ...

    # Status list entries.
    async def status_of_award(self, award_id: int) -> CredentialStatus | None: ...

    async def status_at(self, community_id: int, index: int) -> CredentialStatus | None: ...

    async def pathway_statuses(self, member_id: int) -> list[CredentialStatus]: ...

    async def status_count(self, community_id: int) -> int: ...

    async def add_status(self, status: CredentialStatus) -> None: ...

    async def revoked_indexes(self, community_id: int) -> list[int]: ...

    async def key(self, community_id: int) -> str | None: ...

    async def put_key(self, community_id: int, secret: str, now: datetime) -> None: ...
