"""One transaction per command, and the repositories it opens: what the core
needs from storage, as Protocols."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from bot.ports.agreements import AgreementRepository
from bot.ports.auctions import AuctionRepository
from bot.ports.badges import BadgeRepository
from bot.ports.circles import CircleRepository
from bot.ports.commands import CommandLog
from bot.ports.communities import CommunityRepository
from bot.ports.events import EventRepository
from bot.ports.jobs import JobRepository
from bot.ports.journeys import JourneyRepository
from bot.ports.ledger import LedgerRepository
from bot.ports.members import MemberRepository
from bot.ports.posts import PostRepository
from bot.ports.profiles import ProfileRepository
from bot.ports.settings import SettingsRepository


class UnitOfWork(Protocol):
    """One transaction; rolls back on exit unless committed."""

    communities: CommunityRepository
    members: MemberRepository
    profiles: ProfileRepository
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


class Unavailable(Exception):
    """The database can't be reached: it is down or restarting, or the connection
    died. What the unit of work did is lost; a later try may succeed."""
