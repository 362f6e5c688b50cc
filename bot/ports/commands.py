"""Command keys (repeat safety) and the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.model.members import Member


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
