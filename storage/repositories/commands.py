"""Command keys (a repeated key returns the first reply) and the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select

from bot.ports.commands import CommandStart, StoredCommand
from storage.repositories.base import Repository
from storage.repositories.members import to_member
from storage.tables import commands as commands_t
from storage.tables import communities as communities_t
from storage.tables import members as members_t

_FIND_KEY = select(commands_t.command_keys.c.reply, commands_t.command_keys.c.command).where(
    commands_t.command_keys.c.community_id == bindparam("community_id"),
    commands_t.command_keys.c.key == bindparam("key"),
)


_RECORD_KEY = insert(commands_t.command_keys)


# The command key, the speaker and the settings version in one statement: the
# community row is always there, the other two joined on when they exist.
_START = (
    select(
        communities_t.communities.c.settings_version,
        commands_t.command_keys.c.reply.label("stored_reply"),
        commands_t.command_keys.c.command.label("stored_command"),
        *members_t.members.c,
    )
    .select_from(
        communities_t.communities.outerjoin(
            commands_t.command_keys,
            and_(
                commands_t.command_keys.c.community_id == communities_t.communities.c.id,
                commands_t.command_keys.c.key == bindparam("key"),
            ),
        )
        .outerjoin(
            members_t.identities,
            and_(
                members_t.identities.c.community_id == communities_t.communities.c.id,
                members_t.identities.c.platform == bindparam("platform"),
                members_t.identities.c.external_id == bindparam("external_id"),
            ),
        )
        .outerjoin(members_t.members, members_t.members.c.id == members_t.identities.c.member_id)
    )
    .where(communities_t.communities.c.id == bindparam("community_id"))
)


_AUDIT = insert(commands_t.audit)


class SqlCommandLog(Repository):
    async def find(self, community_id: int, key: str) -> StoredCommand | None:
        row = (await self._exec(_FIND_KEY, {"community_id": community_id, "key": key})).first()
        return StoredCommand(row.reply, row.command) if row else None

    async def start(
        self, community_id: int, key: str, platform: str, external_id: str
    ) -> CommandStart:
        params = {
            "community_id": community_id,
            "key": key,
            "platform": platform,
            "external_id": external_id,
        }
        row = (await self._exec(_START, params)).one()
        found = row.stored_command is not None
        return CommandStart(
            stored=StoredCommand(row.stored_reply, row.stored_command) if found else None,
            member=to_member(row) if row.id is not None else None,
            settings_version=int(row.settings_version),
        )

    async def record(
        self,
        community_id: int,
        key: str,
        command: str,
        member_id: int | None,
        reply: Mapping[str, Any],
        now: datetime,
    ) -> None:
        await self._exec(
            _RECORD_KEY,
            {
                "community_id": community_id,
                "key": key,
                "command": command,
                "member_id": member_id,
                "reply": dict(reply),
                "at": now,
            },
        )

    async def audit(
        self,
        community_id: int,
        member_id: int | None,
        command: str,
        key: str,
        details: Mapping[str, Any],
        now: datetime,
    ) -> None:
        await self._exec(
            _AUDIT,
            {
                "community_id": community_id,
                "at": now,
                "member_id": member_id,
                "command": command,
                "key": key,
                "details": dict(details),
            },
        )
