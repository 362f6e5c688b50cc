"""Support for Matrix adapter tests: a member's client that remembers what it saw,
and a Junto bot running against the shared test Synapse."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    JoinResponse,
    ReactionEvent,
    RoomCreateResponse,
    RoomMemberEvent,
    RoomMessageNotice,
    RoomSendResponse,
    SyncResponse,
)
from nio.event_builders import EnableEncryptionBuilder

from adapters.app import App
from adapters.matrix.client import MatrixBot
from adapters.matrix.config import MatrixConfig
from tests.adapters.matrix.synapse import Homeserver, RegisteredUser
from tests.support import app_on

CHECK = "✅"
CROSS = "❌"


class Person:
    """A member's real nio client that keeps every timeline event it has synced."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.seen: dict[str, list[Any]] = {}
        self.invites: dict[str, str | None] = {}  # room id -> inviter
        self.auto_join: set[str] = set()  # inviters whose invites are accepted

    @property
    def user_id(self) -> str:
        user_id: str = self.client.user_id
        return user_id

    async def sync(self, poll_ms: int = 500) -> None:
        response = await self.client.sync(timeout=poll_ms)
        if not isinstance(response, SyncResponse):
            return
        if self.client.olm is not None:
            if self.client.should_query_keys:
                await self.client.keys_query()
            await self.client.send_to_device_messages()
        for room_id, info in response.rooms.invite.items():
            inviter = next(
                (
                    e.sender
                    for e in info.invite_state
                    if getattr(e, "state_key", None) == self.user_id
                    and getattr(e, "membership", None) == "invite"
                ),
                None,
            )
            self.invites[room_id] = inviter
            if inviter in self.auto_join:
                await self.client.join(room_id)
        for room_id, inviter in self.invites.items():
            if inviter in self.auto_join and room_id not in self.client.rooms:
                await self.client.join(room_id)
        for room_id, joined in response.rooms.join.items():
            self.seen.setdefault(room_id, []).extend(joined.timeline.events)

    async def until(
        self,
        found: Callable[[], Any],
        within: float = 20.0,
        what: str = "condition",
    ) -> Any:
        deadline = time.monotonic() + within
        while True:
            result = found()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.user_id}: {what} not seen within {within} s")
            await self.sync()

    def events(self, room_id: str) -> list[Any]:
        return self.seen.get(room_id, [])

    async def say(self, room_id: str, text: str, html: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if html is not None:
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = html
        response = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(response, RoomSendResponse), response
        event_id: str = response.event_id
        return event_id

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        response = await self.client.room_send(
            room_id,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}},
            ignore_unverified_devices=True,
        )
        assert isinstance(response, RoomSendResponse), response
        reaction_id: str = response.event_id
        return reaction_id

    def replies_to(self, room_id: str, event_id: str) -> list[RoomMessageNotice]:
        return [
            e
            for e in self.events(room_id)
            if isinstance(e, RoomMessageNotice) and in_reply_to(e) == event_id
        ]

    async def reply_to(self, room_id: str, event_id: str, within: float = 20.0) -> Any:
        found = await self.until(
            lambda: self.replies_to(room_id, event_id), within, f"a reply to {event_id}"
        )
        return found[0]

    async def command(self, room_id: str, text: str, expect: str | None = None) -> str:
        """Say a command and return Junto's answer: its reply in the room or, for a private
        answer (a pointer reaction on the command), the new notice in the direct room that
        contains `expect`. Without `expect`, a private answer is returned as ""."""
        direct_before = {r: len(self.notices(r)) for r in self.invites}
        event_id = await self.say(room_id, text)

        def answered() -> Any:
            replies = self.replies_to(room_id, event_id)
            if replies:
                return replies[0]
            return next(
                (
                    e
                    for e in self.events(room_id)
                    if isinstance(e, ReactionEvent) and e.reacts_to == event_id
                ),
                None,
            )

        answer = await self.until(answered, what=f"an answer to {text!r}")
        if isinstance(answer, RoomMessageNotice):
            body: str = answer.body
            assert expect is None or expect in body, (text, body)
            return body
        if expect is None:
            return ""
        self.auto_join.add(answer.sender)
        found = await self.until(
            lambda: self._new_direct_notice(answer.sender, direct_before, expect),
            what=f"a private answer to {text!r} with {expect!r}",
        )
        return str(found.body)

    def _new_direct_notice(self, bot: str, before: dict[str, int], expect: str) -> Any:
        for room_id, who in self.invites.items():
            if who != bot:
                continue
            fresh = self.notices(room_id)[before.get(room_id, 0) :]
            found = next((n for n in fresh if expect in n.body), None)
            if found is not None:
                return found
        return None

    def notices(self, room_id: str, sender: str | None = None) -> list[RoomMessageNotice]:
        return [
            e
            for e in self.events(room_id)
            if isinstance(e, RoomMessageNotice) and (sender is None or e.sender == sender)
        ]

    async def notice(
        self, room_id: str, contains: str, within: float = 20.0, after: int = 0
    ) -> RoomMessageNotice:
        """The first notice in the room (from index `after`) whose body contains the text."""

        def look() -> RoomMessageNotice | None:
            return next((n for n in self.notices(room_id)[after:] if contains in n.body), None)

        found: RoomMessageNotice = await self.until(look, within, f"a notice with {contains!r}")
        return found

    def direct_room_with(self, bot: str) -> str | None:
        return next((r for r, who in self.invites.items() if who == bot), None)

    async def direct_notice(self, bot: str, contains: str, within: float = 20.0) -> Any:
        """A notice from Junto in the direct room it opened with this member."""
        self.auto_join.add(bot)
        for room_id, who in list(self.invites.items()):
            if who == bot and room_id not in self.client.rooms:
                await self.client.join(room_id)

        def look() -> Any:
            room_id = self.direct_room_with(bot)
            if room_id is None:
                return None
            return next((n for n in self.notices(room_id, bot) if contains in n.body), None)

        return await self.until(look, within, f"a direct notice with {contains!r}")


def in_reply_to(event: Any) -> str | None:
    relates = event.source.get("content", {}).get("m.relates_to") or {}
    target = (relates.get("m.in_reply_to") or {}).get("event_id")
    return str(target) if target else None


async def open_room(
    owner: Person,
    invite: Sequence[str],
    *,
    encrypted: bool = False,
    name: str = "learning",
    space: bool = False,
    power: dict[str, int] | None = None,
) -> str:
    initial_state = [EnableEncryptionBuilder().as_dict()] if encrypted else []
    # Room version 11 lists the creator among the power levels, which `power` extends.
    created = await owner.client.room_create(
        name=name,
        invite=list(invite),
        initial_state=initial_state,
        space=space,
        room_version="11" if power else None,
        power_level_override={"users": {owner.user_id: 100, **power}} if power else None,
    )
    assert isinstance(created, RoomCreateResponse), created
    room_id: str = created.room_id
    return room_id


async def join(person: Person, room_id: str) -> None:
    await person.until(lambda: room_id in person.invites, what=f"the invite to {room_id}")
    joined = await person.client.join(room_id)
    assert isinstance(joined, JoinResponse), joined
    await person.until(lambda: room_id in person.client.rooms, what=f"joining {room_id}")


def joined(person: Person, room_id: str, user_id: str) -> bool:
    return any(
        isinstance(e, RoomMemberEvent) and e.state_key == user_id and e.membership == "join"
        for e in person.events(room_id)
    )


@dataclass
class Running:
    """A Junto bot running its sync loop against the test homeserver."""

    bot: MatrixBot
    app: App
    config: MatrixConfig
    task: asyncio.Task[None]
    password: str = field(repr=False, default="")

    @property
    def user_id(self) -> str:
        return self.config.user_id

    async def stop(self) -> None:
        self.bot.stop()
        await asyncio.wait_for(self.task, timeout=30)
        await self.bot.close()


def bot_config(
    homeserver: Homeserver,
    user_id: str,
    password: str,
    store: Path,
    rooms: Sequence[str],
    **overrides: Any,
) -> MatrixConfig:
    return MatrixConfig(
        homeserver=homeserver.url,
        user_id=user_id,
        password=password,
        store_path=store,
        community=overrides.pop("community", "test"),
        rooms=tuple(rooms),
        admins=frozenset(overrides.pop("admins", ())),
        **overrides,
    )


async def start_bot(app: App, config: MatrixConfig, **options: Any) -> Running:
    bot = MatrixBot(
        app.core, config, jobs=app.jobs, poll_ms=options.pop("poll_ms", 2000), **options
    )
    await bot.start()
    task = asyncio.create_task(bot.run())
    await asyncio.wait_for(bot.ready.wait(), timeout=30)
    return Running(bot, app, config, task, config.password or "")


_BOT_OPTIONS = ("max_backoff", "poll_ms", "timeline_limit")


async def bot_account(homeserver: Homeserver) -> RegisteredUser:
    return await homeserver.register(homeserver.new_localpart("junto"))


@contextlib.asynccontextmanager
async def junto(
    homeserver: Homeserver,
    tmp_path: Path,
    account: RegisteredUser,
    rooms: Sequence[str],
    **overrides: Any,
) -> AsyncIterator[Running]:
    """A bot on a fresh database, syncing until the block ends."""
    options = {k: overrides.pop(k) for k in _BOT_OPTIONS if k in overrides}
    config = bot_config(
        homeserver, account.user_id, account.password, tmp_path / "store", rooms, **overrides
    )
    async with app_on("sqlite", tmp_path) as app:
        running = await start_bot(app, config, **options)
        try:
            yield running
        finally:
            if not running.task.done():
                await running.stop()
