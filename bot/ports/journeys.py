"""Track records, journeys and journal notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.model.journeys import Moment, TrackRecord


class JourneyRepository(Protocol):
    async def moments(self, member_id: int, now: datetime) -> list[Moment]:
        """Everything the member did, journal notes included, in time order."""
        ...

    async def moments_page(
        self, member_id: int, now: datetime, own: bool, offset: int, limit: int
    ) -> list[Moment]:
        """`limit` of the member's moments from `offset`, counting back from the newest,
        newest first; journal notes only when `own`."""
        ...

    async def moment_count(self, member_id: int, now: datetime, own: bool) -> int:
        """How many moments `moments_page` pages through."""
        ...

    async def track_record(self, member_id: int, now: datetime) -> TrackRecord: ...

    async def export(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about the member, by table."""
        ...

    async def add_note(
        self, community_id: int, member_id: int, text: str, now: datetime
    ) -> None: ...

    async def forget(self, member_id: int, pseudonym: str, reply: dict[str, Any]) -> None:
        """Replace who the member is with a pseudonym, drop their own words, and let the
        replies kept for their command keys say `reply`; their rows stay for balanced
        histories."""
        ...

    async def seats(self, member_id: int) -> list[tuple[str, bool]]:
        """(circle name, waiting) for each circle the member sits or waits in."""
        ...
