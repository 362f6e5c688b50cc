"""Linking a member's identities on several platforms with a one-time code."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class ProfileRepository(Protocol):
    async def move_identity(
        self, community_id: int, platform: str, external_id: str, member_id: int
    ) -> None: ...

    async def merge_into(self, old_id: int, new_id: int) -> None:
        """Mark an empty member as merged, so it no longer appears."""
        ...

    async def has_history(self, member_id: int) -> bool: ...

    async def put_link_code(
        self, community_id: int, member_id: int, code: str, expires_at: datetime
    ) -> None: ...

    async def take_link_code(self, community_id: int, code: str, now: datetime) -> int | None:
        """The member a live code belongs to; the code is used up either way."""
        ...
