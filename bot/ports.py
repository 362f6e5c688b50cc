"""What the core needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from bot.model.circles import Circle, Seat
from bot.model.members import Member
from bot.replies import Anchor


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Community:
    id: int
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class StoredCommand:
    reply: Mapping[str, Any]
    command: str


class CommunityRepository(Protocol):
    async def get_or_create(self, slug: str, name: str, now: datetime) -> Community: ...

    async def next_number(self, community_id: int) -> int:
        """The next short number (`#12`) for anything people refer to."""
        ...


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

    async def move_identity(
        self, community_id: int, platform: str, external_id: str, member_id: int
    ) -> None: ...

    async def identities(self, member_id: int) -> list[tuple[str, str]]: ...

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


class SettingsRepository(Protocol):
    async def stored(self, community_id: int) -> dict[str, Any]: ...

    async def put(self, community_id: int, name: str, value: Any) -> None: ...


class CommandLog(Protocol):
    async def find(self, community_id: int, key: str) -> StoredCommand | None: ...

    async def record(
        self,
        community_id: int,
        key: str,
        command: str,
        member_id: int | None,
        reply: Mapping[str, Any],
        now: datetime,
    ) -> None: ...

    async def audit(
        self,
        community_id: int,
        member_id: int | None,
        command: str,
        key: str,
        details: Mapping[str, Any],
        now: datetime,
    ) -> None: ...


class PostRepository(Protocol):
    async def record(
        self, community_id: int, platform: str, external_id: str, anchor: Anchor
    ) -> None: ...

    async def find(self, community_id: int, platform: str, external_id: str) -> Anchor | None: ...


class UnitOfWork(Protocol):
    """One transaction; rolls back on exit unless committed."""

    communities: CommunityRepository
    members: MemberRepository
    circles: CircleRepository
    settings: SettingsRepository
    commands: CommandLog
    posts: PostRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class Duplicate(Exception):
    """Storage saw a unique key again; for command keys, a concurrent replay."""


class Retry(Exception):
    """Storage hit a transient conflict (deadlock, serialization); run again."""


__all__: Sequence[str] = [
    "Circle",
    "CircleRepository",
    "Clock",
    "CommandLog",
    "Community",
    "CommunityRepository",
    "Duplicate",
    "Member",
    "MemberRepository",
    "PostRepository",
    "Retry",
    "Seat",
    "SettingsRepository",
    "StoredCommand",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
