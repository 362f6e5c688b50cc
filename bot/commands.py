"""What a command is (its arguments, who may call it, its handler) and what a
handler receives. Every adapter and the help text are built from these; the
services declare their commands with them, and `bot.catalogue` gathers those."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.credentials.identity import CredentialsConfig
from bot.errors import DomainError
from bot.model.members import Actor, Member
from bot.model.paging import MOST_PAGES, Page, command_line
from bot.model.settings import Settings
from bot.ports.communities import Community
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import JSON, Anchor, Notice, Reply, nested

# Ctx is defined below: what a handler receives.
Handler = Callable[["Ctx", Mapping[str, Any]], Awaitable[Reply]]
# A reaction handler gets the anchor's object id and returns a reply, or None to stay quiet.
ReactionHandler = Callable[["Ctx", Anchor, str, bool], Awaitable[Reply | None]]


class Kind(StrEnum):
    TEXT = "text"  # one word, or a quoted phrase
    REST = "rest"  # everything left on the line
    INTEGER = "integer"
    DURATION = "duration"  # minutes; typed as 2, 1.5, 2h, 90m, 1h30m
    INSTANT = "instant"  # typed in the speaker's zone
    CHOICE = "choice"
    MEMBER = "member"
    CIRCLE = "circle"  # a circle's short name
    NUMBER = "number"  # a short number, `12` or `#12`
    SETTING = "setting"


class Who(StrEnum):
    """Who may call a command. The core checks the community-wide roles;
    roles tied to one object (lead of a circle, host of an event) are checked
    by the service that knows the object."""

    ANYONE = "anyone"
    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"
    ASSESSOR = "assessor"
    TRUSTEE = "trustee"


@dataclass(frozen=True)
class Arg:
    name: str
    kind: Kind
    help: str
    required: bool = True
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    max_length: int = 200
    named_only: bool = False

    def usage(self) -> str:
        label = f"{self.name}:<{self.name}>" if self.named_only else self.name
        if self.kind is Kind.CHOICE:
            label = "|".join(self.choices)
        if self.kind is Kind.REST:
            label += "..."
        return f"<{label}>" if self.required else f"[{label}]"


def page_arg(what: str = "which page of the list (default: 1)") -> Arg:
    """The last argument of every command that lists: the page to show."""
    return Arg("page", Kind.INTEGER, what, required=False, low=1, high=MOST_PAGES)


def page_params(page: Page, more: bool, name: str, *words: str | None) -> dict[str, JSON]:
    """A list reply's `page` (its number, once there are several) and `more` (the
    command for the next page, when one follows). `words` are the arguments the
    command was given before the page, None where one was left out."""
    return {
        "page": nested("page.number", page=page.number) if page.number > 1 or more else "",
        "more": nested("page.more", command=command_line(name, *words, page=page.number + 1))
        if more
        else "",
    }


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[Arg, ...]
    help: str
    who: Who
    handler: Handler
    # Commands that change nothing are not written to the audit log.
    changes: bool = True
    # False only for a command that cannot change anything the automatic badge
    # criteria count (events attended or hosted, ballots, vouchers delivered, the
    # trustee role, passed assessments, the badge classes): it skips the badge check.
    changes_badge_facts: bool = True

    @property
    def group(self) -> str:
        return self.name.split(" ", 1)[0]

    def usage(self) -> str:
        return " ".join([self.name, *(a.usage() for a in self.args)])

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name == name), None)


class Catalogue:
    def __init__(self, commands: Iterable[Command]) -> None:
        self._commands: dict[str, Command] = {}
        for command in commands:
            if command.name in self._commands:
                raise ValueError(f"command {command.name!r} is declared twice")
            self._commands[command.name] = command

    def __iter__(self) -> Any:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def names(self) -> list[str]:
        return list(self._commands)

    def groups(self) -> dict[str, list[Command]]:
        grouped: dict[str, list[Command]] = {}
        for command in self._commands.values():
            grouped.setdefault(command.group, []).append(command)
        return grouped


@dataclass
class Ctx:
    """What a service function receives: the unit of work and who is asking."""

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
    # What this Junto signs credentials as, and whom it trusts.
    credentials: CredentialsConfig = field(default_factory=CredentialsConfig)

    @property
    def is_admin(self) -> bool:
        return self.member.is_admin or self.actor.platform_admin

    @property
    def timezone(self) -> ZoneInfo:
        """The reader's zone: their profile's, else the community's."""
        return ZoneInfo(self.member.timezone or self.settings.timezone)

    def page(self, args: Mapping[str, Any]) -> Page:
        """The page of a list the command asked for, of the community's page size."""
        return Page(int(args.get("page") or 1), self.settings.page_size)

    def require_admin(self) -> None:
        if not self.is_admin:
            raise DomainError("command.forbidden", who={"$key": "who.admin"}, command="that")

    def tell_member(self, member_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, member_id=member_id, community=self.community.slug))

    def tell_circle(self, circle_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, circle_id=circle_id, community=self.community.slug))
