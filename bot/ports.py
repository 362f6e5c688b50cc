"""What the core needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from bot.model.circles import Circle, Seat
from bot.model.events import Attendee, Event
from bot.model.members import Member
from bot.model.reviews import Ballot
from bot.ports_badges import BadgeRepository, JourneyRepository
from bot.ports_ledger import AgreementRepository, AuctionRepository, LedgerRepository
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


@dataclass(frozen=True)
class CommandStart:
    """What every command needs before it runs, read together in one statement."""

    # The first reply, when this key has run before.
    stored: StoredCommand | None
    # The speaker, unless this is their first command.
    member: Member | None
    # Moves whenever a community setting is written, so settings can be kept between
    # commands and read again only when they changed.
    settings_version: int


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

    async def with_seats(
        self, community_id: int, name: str, *, lock: bool = False
    ) -> tuple[Circle, list[Seat]] | None:
        """`by_name` and `seats` together, in fewer trips where that is safe."""
        ...

    async def all_with_counts(self, community_id: int) -> list[tuple[Circle, int, int]]:
        """`all` with (members, waiting) of each circle."""
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

    async def start(
        self, community_id: int, key: str, platform: str, external_id: str
    ) -> CommandStart: ...

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


@dataclass(frozen=True)
class Job:
    """A piece of due work: a row with a due time, claimed by one runner at a time."""

    id: int
    community_id: int
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]
    attempts: int
    ref: str | None = None
    ran_at: datetime | None = None
    outbox: Sequence[Mapping[str, Any]] | None = None


class JobRepository(Protocol):
    async def add(
        self,
        community_id: int,
        kind: str,
        due_at: datetime,
        payload: Mapping[str, Any],
        now: datetime,
        *,
        ref: str | None = None,
        unique_key: str | None = None,
    ) -> int | None:
        """The new job's id; None when a pending job already holds `unique_key`."""
        ...

    async def drop_pending(self, community_id: int, ref: str) -> int:
        """Forget jobs about `ref` that have not run; how many."""
        ...

    async def claim(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Job]: ...

    async def start_run(self, job_id: int, owner: str, now: datetime) -> bool:
        """Mark the job as run in this transaction, before its effects; False if the
        lease was lost or the job was dropped, and the caller must not run it."""
        ...

    async def finish_run(
        self, job_id: int, now: datetime, outbox: Sequence[Mapping[str, Any]], *, done: bool
    ) -> None:
        """Keep the notices the run produced until they are delivered."""
        ...

    async def mark_done(self, job_id: int, owner: str, now: datetime) -> bool: ...

    async def retry(
        self,
        job_id: int,
        owner: str,
        due_at: datetime,
        error: str,
        *,
        outbox: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Try again at `due_at`; with `outbox`, only these notices are left to deliver."""
        ...

    async def fail(self, job_id: int, owner: str, now: datetime, error: str) -> None: ...

    async def community(self, community_id: int) -> Community: ...


class UnitOfWork(Protocol):
    """One transaction; rolls back on exit unless committed."""

    communities: CommunityRepository
    members: MemberRepository
    circles: CircleRepository
    settings: SettingsRepository
    commands: CommandLog
    posts: PostRepository
    events: EventRepository
    jobs: JobRepository
    ledger: LedgerRepository
    agreements: AgreementRepository
    auctions: AuctionRepository
    badges: BadgeRepository
    journeys: JourneyRepository

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
    "CommandStart",
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
