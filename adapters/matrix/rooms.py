"""Which rooms Junto serves, direct rooms with members, and circle rooms.

Served rooms are those the config names, the rooms of any space it names,
the circle rooms Junto made, each member's direct room, and the room that
replaces any of these when it is upgraded (m.room.tombstone). Invites to any
other room are declined, except a direct room a member of a served room opens
with Junto.

A member who declines the direct room Junto opens is not invited again for
`DECLINED_FOR`: private answers are then only pointed at in the room they were
asked in, without their content, until the member opens a direct chat themselves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nio import (
    AsyncClient,
    ErrorResponse,
    InviteInfo,
    InviteMemberEvent,
    MatrixRoom,
    RoomCreateResponse,
    RoomPreset,
    RoomResolveAliasResponse,
)

from adapters.matrix.config import MatrixConfig
from adapters.matrix.state import AdapterState
from bot.core import CommunitySpec, Core

log = logging.getLogger("junto.matrix")

SPACE = "m.space"
# How long a declined direct room keeps Junto from inviting the member again.
DECLINED_FOR = 6 * 3600.0


class Rooms:
    def __init__(
        self,
        client: AsyncClient,
        config: MatrixConfig,
        state: AdapterState,
        call: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]],
    ) -> None:
        self.client = client
        self.config = config
        self.state = state
        # Every request goes through the client's retrying call.
        self._call = call
        self.configured: list[str] = []
        self._aliases: dict[str, str] = {}
        self.declined_for = DECLINED_FOR

    async def resolve(self) -> None:
        """Room ids for the configured rooms; an alias is looked up once."""
        resolved: list[str] = []
        for room in self.config.rooms:
            if room.startswith("!"):
                resolved.append(room)
                continue
            if room not in self._aliases:
                found = await self._resolve_alias(room)
                if not isinstance(found, RoomResolveAliasResponse):
                    log.warning("the room alias %s does not resolve: %s", room, found)
                    continue
                self._aliases[room] = found.room_id
            resolved.append(self._aliases[room])
        self.configured = [self.current(r) for r in resolved]

    def current(self, room_id: str) -> str:
        """The room now standing for this one, following upgrades."""
        seen = {room_id}
        while (newer := self.state.replacement(room_id)) is not None and newer not in seen:
            seen.add(newer)
            room_id = newer
        return room_id

    def replace(self, old: str, new: str) -> None:
        """An upgrade: the new room is served wherever the old one was."""
        self.state.set_replacement(old, new)
        self.configured = [new if r == old else r for r in self.configured]
        user = self.state.direct_user(old)
        if user is not None:
            self.state.set_direct_room(user, new)
        circle = self.state.circle_of_room(old)
        if circle is not None:
            self.state.set_circle_room(circle, new)

    async def _resolve_alias(self, alias: str) -> Any:
        return await self._call(f"resolving {alias}", lambda: self.client.room_resolve_alias(alias))

    # What is served.

    def is_direct(self, room_id: str) -> bool:
        return self.state.direct_user(room_id) is not None

    def serves(self, room_id: str) -> bool:
        if room_id in self.configured or self.is_direct(room_id):
            return True
        if room_id in self.state.circle_rooms() or self.state.replaced_by(room_id) is not None:
            return True
        return any(room_id in self._children(space) for space in self.spaces())

    def spaces(self) -> list[str]:
        return [r for r in self.configured if self._room_type(r) == SPACE]

    def main_room(self) -> str | None:
        """The community's first ordinary room: where commands said in private belong."""
        return next((r for r in self.configured if self._room_type(r) != SPACE), None)

    def _room_type(self, room_id: str) -> str | None:
        room = self.client.rooms.get(room_id)
        return room.room_type if room is not None else None

    def _children(self, space_id: str) -> set[str]:
        room = self.client.rooms.get(space_id)
        return set(room.children) if room is not None else set()

    def is_member_somewhere(self, user_id: str) -> bool:
        for room_id in self.configured:
            room = self.client.rooms.get(room_id)
            if room is not None and user_id in room.users:
                return True
        return False

    def names(self, room_id: str | None) -> dict[str, str]:
        """Display name -> user id for the room's members, where the name is unambiguous."""
        room = self.client.rooms.get(room_id) if room_id else None
        if room is None:
            return {}
        seen: dict[str, str | None] = {}
        for user_id, user in room.users.items():
            name = user.display_name
            if not name or user_id == self.client.user_id:
                continue
            seen[name] = None if name in seen else user_id
        return {name: user for name, user in seen.items() if user is not None}

    # Invites.

    async def on_invite(self, room_id: str, info: InviteInfo) -> None:
        me = self.client.user_id
        invite = next(
            (
                e
                for e in info.invite_state
                if isinstance(e, InviteMemberEvent)
                and e.state_key == me
                and e.membership == "invite"
            ),
            None,
        )
        inviter = invite.sender if invite is not None else None
        direct = bool(invite is not None and invite.content.get("is_direct"))
        if self.serves(room_id):
            await self._join(room_id)
            return
        if direct and inviter is not None and self.is_member_somewhere(inviter):
            if await self._join(room_id) and (
                self.state.direct_room(inviter) is None or self.unreachable(inviter)
            ):
                self.state.set_direct_room(inviter, room_id)
                self.state.set_unreachable(inviter, None)
            return
        log.info(
            "declining an invite to %s from %s: not a room this community uses", room_id, inviter
        )
        await self._call(f"declining {room_id}", lambda: self.client.room_leave(room_id))

    async def _join(self, room_id: str) -> bool:
        joined = await self._call(f"joining {room_id}", lambda: self.client.join(room_id))
        if isinstance(joined, ErrorResponse):
            log.warning("could not join %s: %s", room_id, joined)
            return False
        return True

    async def join_replacement(self, room_id: str) -> bool:
        """Join the room replacing a served one (it may need an invite first)."""
        return await self._join(room_id)

    def member_left(self, room_id: str, user_id: str, *, declined: bool = False) -> bool:
        """A member left their direct room: the next private reply opens a new one; one
        who declined it is not invited again for a while."""
        if self.state.direct_user(room_id) != user_id:
            return False
        self.state.forget_direct_room(room_id)
        if declined:
            self.state.set_unreachable(user_id, time.time() + self.declined_for)
        return True

    def unreachable(self, user_id: str) -> bool:
        """The member declined Junto's direct room lately, and opened none since."""
        until = self.state.unreachable_until(user_id)
        return until is not None and until > time.time()

    # Direct rooms.

    async def direct_room(self, user_id: str) -> str:
        """The member's direct room, created and invited on first use."""
        found = self.state.direct_room(user_id)
        if found is not None:
            return found
        if self.unreachable(user_id):
            raise RoomError(f"{user_id} declined Junto's direct room")
        created = await self._call(
            f"opening a direct room with {user_id}",
            lambda: self.client.room_create(
                is_direct=True, invite=[user_id], preset=RoomPreset.trusted_private_chat
            ),
        )
        if not isinstance(created, RoomCreateResponse):
            raise RoomError(f"could not open a direct room with {user_id}: {created}")
        self._known(created.room_id)
        self.state.set_direct_room(user_id, created.room_id)
        return str(created.room_id)

    def _known(self, room_id: str) -> None:
        # nio learns of a room on the next sync; sending before then needs it known.
        if room_id not in self.client.rooms:
            self.client.rooms[room_id] = MatrixRoom(room_id, self.client.user_id, False)

    # Circle rooms.

    async def open_circle_room(self, name: str, topic: str, creator: str) -> str | None:
        """A room for a new circle inside the community's space, when it has one."""
        spaces = self.spaces()
        if not spaces or self.state.circle_room(name) is not None:
            return self.state.circle_room(name)
        space = spaces[0]
        server = self.config.user_id.split(":", 1)[1]
        created = await self._call(
            f"opening a room for circle {name}",
            lambda: self.client.room_create(
                name=name,
                topic=topic,
                invite=[creator],
                initial_state=[
                    {
                        "type": "m.space.parent",
                        "state_key": space,
                        "content": {"via": [server], "canonical": True},
                    }
                ],
            ),
        )
        if not isinstance(created, RoomCreateResponse):
            log.warning("could not open a room for circle %s: %s", name, created)
            return None
        room_id = str(created.room_id)
        self._known(room_id)
        self.state.set_circle_room(name, room_id)
        linked = await self._call(
            f"adding circle {name} to the space",
            lambda: self.client.room_put_state(
                space, "m.space.child", {"via": [server]}, state_key=room_id
            ),
        )
        if isinstance(linked, ErrorResponse):
            # The room works without it; the space just doesn't list it.
            log.warning("could not list circle %s in the space %s: %s", name, space, linked)
        return room_id

    async def invite_to_circle(self, name: str, user_id: str) -> None:
        room_id = self.state.circle_room(name)
        if room_id is None:
            return
        room = self.client.rooms.get(room_id)
        if room is not None and user_id in room.users:
            return
        invited = await self._call(
            f"inviting {user_id} to circle {name}",
            lambda: self.client.room_invite(room_id, user_id),
        )
        if isinstance(invited, ErrorResponse):
            log.info("could not invite %s to circle room %s: %s", user_id, room_id, invited)


class RoomError(Exception):
    """A room Junto needs could not be made or joined."""


async def set_circle_place(core: Core, spec: CommunitySpec, circle: str, room_id: str) -> None:
    """Point the circle's notices at its own room instead of the room it was made in."""
    await core.set_circle_place(spec, circle, "matrix", room_id)
