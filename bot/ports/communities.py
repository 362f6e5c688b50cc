"""Communities, and the short numbers people use for objects in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Community:
    id: int
    slug: str
    name: str
    created_at: datetime


class CommunityRepository(Protocol):
    async def get_or_create(self, slug: str, name: str, now: datetime) -> Community: ...

    async def next_number(self, community_id: int) -> int:
        """The next short number (`#12`) for anything people refer to."""
        ...
