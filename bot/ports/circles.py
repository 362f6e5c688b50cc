"""Circles, their seats and their places on each platform."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.model.circles import Circle, Seat


class CircleRepository(Protocol):
    async def by_name(
        self, community_id: int, name: str, *, lock: bool = False
    ) -> Circle | None: ...

    async def get(self, circle_id: int) -> Circle: ...

    async def create(
        self, community_id: int, number: int, name: str, topic: str, size: int, now: datetime
    ) -> Circle: ...

    async def all(self, community_id: int) -> list[Circle]: ...

    async def seats(self, circle_id: int) -> list[Seat]: ...

    async def seat_counts(self, community_id: int) -> dict[int, tuple[int, int]]:
        """(members, waiting) per circle id."""
        ...

    async def with_seats(
        self, community_id: int, name: str, *, lock: bool = False
    ) -> tuple[Circle, list[Seat]] | None:
        """`by_name` and `seats` together, in fewer trips where that is safe."""
        ...

    async def listed(
        self, community_id: int, offset: int, limit: int
    ) -> list[tuple[Circle, int, int]]:
        """Circles that are not archived, by name, from `offset`, at most `limit`, each
        with its (members, waiting)."""
        ...

    async def add_seat(
        self, circle_id: int, member_id: int, *, lead: bool, waiting: bool, now: datetime
    ) -> None: ...

    async def update_seat(
        self, circle_id: int, member_id: int, *, lead: bool, waiting: bool, now: datetime
    ) -> None: ...

    async def remove_seat(self, circle_id: int, member_id: int) -> None: ...

    async def set_status(self, circle_id: int, status: str) -> None: ...

    async def set_place(self, circle_id: int, platform: str, external_id: str) -> None: ...

    async def places(self, circle_id: int) -> list[tuple[str, str]]: ...
