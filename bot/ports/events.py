"""Events, hosts, attendance and review ballots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.model.events import Attendee, Event
from bot.model.reviews import Ballot


class EventRepository(Protocol):
    """Events, their hosts, attendees and review ballots."""

    async def create(self, event: Event) -> Event: ...

    async def set_series(self, event_ids: Sequence[int], series_id: int) -> None: ...

    async def get(self, event_id: int, *, lock: bool = False) -> Event: ...

    async def by_number(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Event | None: ...

    async def save(self, event: Event) -> None:
        """Write back everything but the identity, circle and series."""
        ...

    async def upcoming(
        self, community_id: int, after: datetime, circle_ids: Sequence[int] | None, limit: int
    ) -> list[Event]:
        """Scheduled events that have not ended, soonest first."""
        ...

    async def listed(
        self,
        community_id: int,
        after: datetime,
        circle_id: int | None,
        offset: int,
        limit: int,
    ) -> list[tuple[Event, str, int]]:
        """A page of `upcoming` (of one circle, or the whole community), each event with
        its circle's name and how many are going."""
        ...

    async def following(self, series_id: int, occurrence: int) -> list[Event]: ...

    async def hosts(self, event_id: int) -> list[tuple[int, str]]:
        """(member id, display name) of each host."""
        ...

    async def add_hosts(self, event_id: int, member_ids: Sequence[int]) -> None: ...

    async def attendees(self, event_id: int) -> list[Attendee]: ...

    async def going_counts(self, event_ids: Sequence[int]) -> dict[int, int]: ...

    async def set_rsvp(self, event_id: int, member_id: int, rsvp: str, now: datetime) -> None: ...

    async def check_in(self, event_id: int, member_id: int, by: int, now: datetime) -> None: ...

    async def ballots(self, event_id: int) -> list[Ballot]: ...

    async def put_ballot(self, event_id: int, ballot: Ballot, via: str) -> None: ...

    async def remove_ballot(self, event_id: int, member_id: int) -> None: ...

    async def standing(self, member_id: int, start: datetime, end: datetime) -> tuple[int, int]:
        """(attended, hosted) validated events that count, starting in [start, end)."""
        ...

    async def circle_ids_of(self, member_id: int) -> list[int]:
        """Circles the member has a seat in (not waiting)."""
        ...

    async def joined(self, community_id: int) -> list[tuple[int, datetime]]:
        """(member id, joining instant) of everyone in the community."""
        ...
