"""What a service function receives: the unit of work and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.errors import DomainError
from bot.model.members import Actor, Member
from bot.model.settings import Settings
from bot.ports import Community, UnitOfWork
from bot.replies import Notice, Reply

if TYPE_CHECKING:
    from bot.catalogue import Catalogue


@dataclass
class Ctx:
    uow: UnitOfWork
    now: datetime
    community: Community
    settings: Settings
    member: Member
    actor: Actor
    catalogue: Catalogue
    place: str | None = None
    notices: list[Notice] = field(default_factory=list)
    # The command's key, so what it records (ledger transfers) can be found on a replay.
    key: str = ""

    @property
    def is_admin(self) -> bool:
        return self.member.is_admin or self.actor.platform_admin

    @property
    def timezone(self) -> ZoneInfo:
        """The reader's zone: their profile's, else the community's."""
        return ZoneInfo(self.member.timezone or self.settings.timezone)

    def require_admin(self) -> None:
        if not self.is_admin:
            raise DomainError("command.forbidden", who={"$key": "who.admin"}, command="that")

    def tell_member(self, member_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, member_id=member_id, community=self.community.slug))

    def tell_circle(self, circle_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, circle_id=circle_id, community=self.community.slug))
