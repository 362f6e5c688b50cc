"""The Matrix adapter: a matrix-nio client, its sync loop and event handlers.

One sync response at a time: every event in it is handled, the messages each
command decided on are written to the outbox, the outbox is sent, and only
then is the sync token stored. A crash anywhere in between repeats work that
is safe to repeat: a handled event id is the command's key, so the core
returns its first reply, and every send carries a transaction id derived from
that key, so the homeserver keeps a single copy.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import io
import itertools
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import astuple
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    LocalProtocolError,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    MessageDirection,
    ReactionEvent,
    RedactionEvent,
    RoomEncryptedMedia,
    RoomMemberEvent,
    RoomMessageMedia,
    RoomMessagesResponse,
    RoomMessageText,
    RoomSendResponse,
    RoomUpgradeEvent,
    SyncResponse,
    UploadFilterResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.crypto import ENCRYPTION_ENABLED

from adapters.matrix import wording
from adapters.matrix.config import MatrixConfig
from adapters.matrix.files import caption, file_text, literal, replied_file_text, wants_text
from adapters.matrix.redact import hide
from adapters.matrix.replies import incoming_text, notice_content, notice_contents
from adapters.matrix.rooms import RoomError, Rooms, set_circle_place
from adapters.matrix.state import AdapterState, Outgoing, StoredReaction
from adapters.text import ParsedCommand, is_command, parse
from bot.core import Call, CommunitySpec, Core, DueWork, Reaction
from bot.errors import DomainError
from bot.jobs import JobRunner
from bot.model.members import Actor
from bot.ports.unit_of_work import Duplicate
from bot.rendering import Style, render
from bot.replies import Anchor, Notice, Outcome, Reply, error_reply, internal_error

log = logging.getLogger("junto.matrix")

PLATFORM = "matrix"
# Put on a command said in a shared room when its answer went to the direct room.
PRIVATE_POINTER = "📩"
T = TypeVar("T")

_TRANSIENT = (aiohttp.ClientError, TimeoutError, asyncio.TimeoutError, OSError)


class TransportError(Exception):
    """The homeserver could not be reached; the work stays queued for the next attempt."""


class LoginFailed(Exception):
    """The homeserver refused the bot's credentials."""


def txn_id(cause: str, index: int) -> str:
    """A transaction id that is the same each time the same cause is handled."""
    digest = hashlib.sha256(cause.encode()).hexdigest()[:32]
    return f"junto.{digest}.{index}"


class MatrixBot:
    def __init__(
        self,
        core: Core,
        config: MatrixConfig,
        *,
        jobs: JobRunner | None = None,
        poll_ms: int = 30_000,
        max_backoff: float = 30.0,
        timeline_limit: int = 50,
    ) -> None:
        self.core = core
        self.config = config
        self.jobs = jobs
        self.poll_ms = poll_ms
        self.max_backoff = max_backoff
        self.timeline_limit = timeline_limit
        self.spec = CommunitySpec(config.community, config.community, first_speaker_admin=False)
        self.state = AdapterState(config.store_path)
        crypto = config.store_path / "crypto"
        crypto.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            config.homeserver,
            config.user_id,
            store_path=str(crypto),
            config=AsyncClientConfig(
                encryption_enabled=ENCRYPTION_ENABLED,
                store_sync_tokens=False,
                # nio would otherwise retry a lost connection forever inside one
                # call; the adapter retries itself, with backoff and a way out.
                max_timeouts=0,
                request_timeout=30,
            ),
        )
        self.rooms = Rooms(self.client, config, self.state, self._call)
        self.ready = asyncio.Event()
        self._filter: str | dict[str, Any] = {"room": {"timeline": {"limit": timeline_limit}}}
        self._stop = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        # Rooms where Junto lacks the power to redact, said once each.
        self._cannot_redact: set[str] = set()
        # Events whose room key had not arrived yet: tried again after later syncs.
        self._undecrypted: list[tuple[str, MegolmEvent, float]] = []
        # Due work besides the job runner's (escrow expiry, auction ends).
        self._other_due: list[DueWork] = [
            work for work in core.due_work if jobs is None or work != jobs.due_work
        ]

    # Starting and stopping.

    async def start(self) -> None:
        hide(self.config.password, self.config.access_token, self.state.get("access_token"))
        await self._login()
        hide(self.client.access_token)
        await self.rooms.resolve()
        if self.client.should_upload_keys:
            await self._call("uploading device keys", self.client.keys_upload)
        # A longer timeline than the default 10 events means fewer gaps to read back after
        # a pause; stored on the server once, so each sync names it by id.
        uploaded = await self._call(
            "uploading the sync filter",
            lambda: self.client.upload_filter(room={"timeline": {"limit": self.timeline_limit}}),
        )
        if isinstance(uploaded, UploadFilterResponse):
            self._filter = uploaded.filter_id

    async def _login(self) -> None:
        stored_device = self.state.get("device_id")
        if self.config.access_token:
            self.client.access_token = self.config.access_token
            who = await self._call("checking the access token", self.client.whoami)
            if not isinstance(who, WhoamiResponse):
                raise LoginFailed(f"the access token for {self.config.user_id} was refused: {who}")
            if who.user_id != self.config.user_id:
                raise LoginFailed(
                    f"the access token belongs to {who.user_id}, not {self.config.user_id}"
                )
            device = who.device_id or stored_device or "JUNTO"
            self.client.restore_login(self.config.user_id, device, self.config.access_token)
            self.state.put("device_id", device)
            return
        stored_token = self.state.get("access_token")
        if stored_token and stored_device:
            self.client.access_token = stored_token
            who = await self._call("checking the stored login", self.client.whoami)
            if isinstance(who, WhoamiResponse) and who.user_id == self.config.user_id:
                self.client.restore_login(self.config.user_id, stored_device, stored_token)
                return
            self.client.access_token = ""
        assert self.config.password is not None
        # The same device id keeps the device's encryption keys across logins.
        self.client.device_id = stored_device
        password = self.config.password
        response = await self._call(
            "logging in",
            lambda: self.client.login(password, device_name=self.config.device_name),
        )
        if not isinstance(response, LoginResponse):
            raise LoginFailed(f"logging in as {self.config.user_id} failed: {response}")
        self.state.put("device_id", response.device_id)
        self.state.put("access_token", response.access_token)

    async def _login_again(self) -> None:
        """The homeserver forgot the login (a logout elsewhere, an expired token)."""
        if self.config.password is None:
            log.error("the access token for %s is no longer valid", self.config.user_id)
            return
        self.state.put("access_token", None)
        try:
            await self._login()
        except LoginFailed as error:
            log.error("%s", error)
            return
        hide(self.client.access_token)

    def stop(self) -> None:
        self._stop.set()

    async def close(self) -> None:
        await self.client.close()
        self.state.close()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Sync until stopped; every failure is retried with backoff."""
        relay = asyncio.ensure_future(self._relay(stop)) if stop is not None else None
        try:
            await self._sync_loop()
        finally:
            if relay is not None:
                relay.cancel()

    async def _sync_loop(self) -> None:
        await self.flush_quietly()
        delay = 0.5
        while not self._stop.is_set():
            try:
                response = await self._next_sync()
            except TransportError:
                continue
            if response is None:
                break
            if not isinstance(response, SyncResponse):
                if getattr(response, "status_code", None) == "M_UNKNOWN_TOKEN":
                    await self._login_again()
                log.warning("sync failed: %s; retrying in %.1f s", response, delay)
                await self._pause(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            delay = 0.5
            try:
                await self._handle_sync(response)
            except TransportError:
                # The token is not stored, so the same events come again.
                continue
            self.ready.set()

    async def _relay(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stop.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds * random.uniform(0.8, 1.2))

    async def _next_sync(self) -> Any:
        token = self.state.sync_token
        first = not self.ready.is_set()
        request = asyncio.ensure_future(
            self._call(
                "syncing",
                lambda: self.client.sync(
                    timeout=0 if first else self.poll_ms,
                    since=token,
                    # After a restart nio knows no rooms; the full state brings
                    # them back while the timeline still starts at the token.
                    full_state=True if first and token else None,
                    sync_filter=self._filter,
                ),
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not request.done():
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError, TransportError):
                await request
            return None
        return request.result()

    # Retries.

    async def _call(self, what: str, make: Callable[[], Awaitable[T]]) -> T:
        """One request, retried with backoff while the homeserver is unreachable."""
        delay = 0.25
        for attempt in itertools.count(1):
            try:
                result = await make()
            except _TRANSIENT as error:
                failure = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            else:
                status = getattr(getattr(result, "transport_response", None), "status", 200)
                if not (isinstance(result, ErrorResponse) and status >= 500):
                    if attempt > 1:
                        log.warning(
                            "%s: reached %s after %d attempts",
                            what,
                            self.config.homeserver,
                            attempt,
                        )
                    return result
                failure = f"HTTP {status}"
            if self._stop.is_set():
                raise TransportError(f"{what}: stopped while the homeserver was unreachable")
            log.warning(
                "%s: can't reach the homeserver %s (%s); attempt %d failed, retrying in %.1f s",
                what, self.config.homeserver, failure, attempt, delay,
            )  # fmt: skip
            await self._pause(delay)
            delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")

    # One sync response.

    async def _handle_sync(self, response: SyncResponse) -> None:
        since = self.state.sync_token
        for room_id, info in response.rooms.invite.items():
            await self.rooms.on_invite(room_id, info)
        for room_id, info in response.rooms.leave.items():
            if self.state.direct_user(room_id) is not None:
                self.state.forget_direct_room(room_id)
            else:
                await self._removed(room_id, list(info.timeline.events))
        # A first start answers nothing said before it: only what comes next.
        if since is not None:
            for room_id, info in response.rooms.join.items():
                room = self.client.rooms.get(room_id)
                if room is None:
                    continue
                events = list(info.timeline.events)
                recent = self._since_joined(events)
                gap = info.timeline.prev_batch if info.timeline.limited else None
                # A gap before a join of Junto's own holds nothing for Junto.
                if gap and len(recent) == len(events):
                    events = await self._backfill(room_id, gap, since) + events
                    recent = self._since_joined(events)
                for event in recent:
                    await self._on_event(room, event)
            await self._retry_undecrypted()
        await self._keys()
        await self.flush()
        self.state.sync_token = response.next_batch

    def _since_joined(self, events: Sequence[Any]) -> list[Any]:
        """Events after Junto's own join: history from before it is not for Junto."""
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if (
                isinstance(event, RoomMemberEvent)
                and event.state_key == self.client.user_id
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                return list(events[index + 1 :])
        return list(events)

    async def _backfill(self, room_id: str, start: str, since: str) -> list[Any]:
        """Events a limited timeline left out, between the stored token and the sync."""
        older: list[Any] = []
        token: str | None = start
        while token and len(older) < 1000:
            page = await self._page(room_id, token, since)
            if not isinstance(page, RoomMessagesResponse) or not page.chunk:
                break
            older.extend(page.chunk)
            if page.end == token:
                break
            token = page.end
        older.reverse()
        return older

    async def _page(self, room_id: str, start: str, end: str) -> Any:
        return await self._call(
            f"reading missed events in {room_id}",
            lambda: self.client.room_messages(
                room_id, start=start, end=end, direction=MessageDirection.back, limit=100
            ),
        )

    async def _keys(self) -> None:
        if self.client.olm is None:
            return
        await self._call("sending to-device messages", self.client.send_to_device_messages)
        if self.client.should_upload_keys:
            await self._call("uploading keys", self.client.keys_upload)
        if self.client.should_query_keys:
            await self._call("querying keys", self.client.keys_query)
        if self.client.should_claim_keys:
            users = self.client.get_users_for_key_claiming()
            await self._call("claiming keys", lambda: self.client.keys_claim(users))

    async def _on_event(self, room: MatrixRoom, event: Any) -> None:
        if getattr(event, "sender", None) == self.client.user_id:
            return
        if isinstance(event, RoomMemberEvent):
            declined = event.prev_membership == "invite"
            if event.membership in ("leave", "ban") and self.rooms.member_left(
                room.room_id, event.state_key, declined=declined
            ):
                await self._call(
                    "leaving a direct room", lambda: self.client.room_leave(room.room_id)
                )
            return
        if isinstance(event, RoomUpgradeEvent):
            if self.rooms.serves(room.room_id):
                await self._follow_upgrade(room.room_id, event.replacement_room)
            return
        if not self.rooms.serves(room.room_id):
            return
        try:
            if isinstance(event, RoomMessageText):
                await self._on_text(room, event)
            elif isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
                await self._on_media(room, event)
            elif isinstance(event, ReactionEvent):
                await self._on_reaction(room, event)
            elif isinstance(event, RedactionEvent):
                await self._on_redaction(room, event)
            elif isinstance(event, MegolmEvent):
                self._undecrypted.append((room.room_id, event, time.monotonic()))
                # Raises when a request for this room key is already out.
                with contextlib.suppress(LocalProtocolError):
                    await self._call(
                        "requesting a room key", lambda: self.client.request_room_key(event)
                    )
        except TransportError:
            raise
        except Exception:  # one bad event must not stop the community's bot
            log.exception("handling %s in %s failed", event.event_id, room.room_id)

    async def _retry_undecrypted(self) -> None:
        waiting, self._undecrypted = self._undecrypted, []
        for room_id, event, since in waiting:
            try:
                decrypted = self.client.decrypt_event(event)
            except Exception:  # the key is still missing
                if time.monotonic() - since < 300:
                    self._undecrypted.append((room_id, event, since))
                else:
                    log.warning("gave up decrypting %s in %s", event.event_id, room_id)
                continue
            room = self.client.rooms.get(room_id)
            if room is not None:
                decrypted.room_id = room_id
                await self._on_event(room, decrypted)

    # Commands.

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return  # an edit: the original was the command
        formatted = event.formatted_body if event.format == "org.matrix.custom.html" else None
        text = incoming_text(event.body, formatted)
        if not is_command(text, self.config.prefix):
            return
        await self._command(room, event, text, formatted=formatted)

    async def _on_media(self, room: MatrixRoom, event: Any) -> None:
        """A file whose caption is a command: the file is that command's text."""
        text = caption(event)
        if text is None or not is_command(text, self.config.prefix):
            return
        await self._command(room, event, text, attached=event)

    async def _command(
        self,
        room: MatrixRoom,
        event: Any,
        text: str,
        attached: Any = None,
        formatted: str | None = None,
    ) -> None:
        key = f"{PLATFORM}:{event.event_id}"
        outcome = await self._run_command(room, event, text, key, attached, formatted)
        try:
            messages = self._reply_messages(
                outcome, key, room.room_id, event.event_id, event.sender
            )
            messages += await self._notice_messages(outcome.notices, key, start=len(messages))
        except Exception as error:  # a reply that can't be rendered still gets an answer
            failed = Outcome(internal_error(log, f"answering {key}", error))
            messages = self._reply_messages(failed, key, room.room_id, event.event_id, event.sender)
        self.state.enqueue(messages)
        await self.flush()
        if not outcome.replayed:
            await self._circle_rooms(outcome, event.sender)

    def _actor(self, room: MatrixRoom | None, user_id: str) -> Actor:
        user = room.users.get(user_id) if room is not None else None
        name = (user.display_name if user is not None else None) or user_id
        return Actor(PLATFORM, user_id, name, platform_admin=user_id in self.config.admins)

    def _parse(self, text: str, formatted: str | None) -> ParsedCommand:
        """The shared parser's reading, with any literal text (a code block, pasted JSON)
        kept verbatim for a command whose trailing free-text argument it fills."""
        split = literal(text, formatted)
        if split is not None:
            with contextlib.suppress(DomainError):
                parsed = parse(split[0], self.config.prefix, self.core.catalogue)
                wanted = wants_text(parsed, self.core.catalogue)
                if wanted is not None:
                    parsed.args[wanted] = split[1]
                    return parsed
        return parse(text, self.config.prefix, self.core.catalogue)

    async def _run_command(
        self,
        room: MatrixRoom,
        event: Any,
        text: str,
        key: str,
        attached: Any = None,
        formatted: str | None = None,
    ) -> Outcome:
        sender: str = event.sender
        try:
            parsed = self._parse(text, formatted)
        except DomainError as error:
            return Outcome(error_reply(error.code, error.params))
        wanted = wants_text(parsed, self.core.catalogue)
        if wanted is not None:
            found = await self._call(
                "reading an attached file",
                lambda: (
                    file_text(self.client, attached)
                    if attached is not None
                    else replied_file_text(self.client, room.room_id, event)
                ),
            )
            if found is not None:
                parsed.args[wanted] = found
        place = room.room_id
        if self.rooms.is_direct(place):
            place = self.rooms.main_room() or place
        call = Call(parsed.command, self._actor(room, sender), key, self.spec, parsed.args, place)
        try:
            return await self.core.run(call)
        except Exception as error:  # the core answers its own failures; this is the last net
            return Outcome(internal_error(log, f"command {parsed.command} ({key})", error))

    def _render(self, reply: Reply, timezone: str) -> str:
        try:
            zone = ZoneInfo(timezone)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        return render(reply, Style(zone, prefix=self.config.prefix))

    @staticmethod
    def _parts(
        txn: str,
        target: str,
        text: str,
        *,
        names: Mapping[str, str] | None = None,
        in_reply_to: str | None = None,
        mentions: list[str] | None = None,
        to_member: bool = False,
        anchor: tuple[str, int] | None = None,
        attachments: tuple[tuple[str, str, str], ...] = (),
    ) -> list[Outgoing]:
        """One notice, or several in order when the text won't fit in one event; the
        first stands for the anchored object, the files follow the last."""
        contents = notice_contents(text, names=names, in_reply_to=in_reply_to, mentions=mentions)
        return [
            Outgoing(
                txn if index == 0 else f"{txn}.{index}",
                target,
                content,
                to_member=to_member,
                anchor=anchor if index == 0 else None,
                attachments=attachments if index == len(contents) - 1 else (),
            )
            for index, content in enumerate(contents)
        ]

    def _reply_messages(
        self, outcome: Outcome, key: str, room_id: str, event_id: str, sender: str
    ) -> list[Outgoing]:
        reply = outcome.reply
        anchor = (reply.anchor.kind, reply.anchor.object_id) if reply.anchor else None
        files = _files(reply)
        names = self.rooms.names(room_id)
        if not reply.private:
            text = self._render(reply, outcome.community_timezone)
            return self._parts(
                txn_id(key, 0),
                room_id,
                text,
                names=names,
                in_reply_to=event_id,
                anchor=anchor,
                attachments=files,
            )
        text = self._render(reply, outcome.actor_timezone)
        if self.state.direct_user(room_id) == sender:
            return self._parts(
                txn_id(key, 0),
                room_id,
                text,
                names=names,
                in_reply_to=event_id,
                anchor=anchor,
                attachments=files,
            )
        if self.rooms.unreachable(sender):
            # They declined the direct room: said here, without the private content.
            return self._parts(
                txn_id(key, 0),
                room_id,
                wording.cannot_reach_privately(sender),
                in_reply_to=event_id,
                mentions=[sender],
            )
        private = self._parts(
            txn_id(key, 0),
            sender,
            text,
            names=names,
            to_member=True,
            anchor=anchor,
            attachments=files,
        )
        pointer = Outgoing(
            txn_id(key, 1),
            room_id,
            {
                "m.relates_to": {
                    "rel_type": "m.annotation",
                    "event_id": event_id,
                    "key": PRIVATE_POINTER,
                }
            },
            event_type="m.reaction",
        )
        return [*private, pointer]

    async def _notice_messages(
        self, notices: Sequence[Notice], cause: str, start: int = 0
    ) -> list[Outgoing]:
        messages: list[Outgoing] = []
        index = start
        for notice in notices:
            if not self._ours(notice):
                continue
            reply = notice.reply
            anchor = (reply.anchor.kind, reply.anchor.object_id) if reply.anchor else None
            ours = [a for a in notice.addresses if a.platform == PLATFORM]
            in_a_room = any(a.kind == "place" for a in ours)
            for address in ours:
                to_member = address.kind == "member"
                target, mentions = address.external_id, None
                if to_member and self.rooms.unreachable(address.external_id):
                    # Declined the direct room: a public notice goes to their circle's
                    # room with a mention, unless one went to a room already; a private
                    # one can't go anywhere.
                    place = None
                    if not reply.private and not in_a_room:
                        place = await self._fallback_room(address.external_id, reply)
                    if place is None:
                        log.info(
                            "%s not delivered: %s declined Junto's direct room",
                            reply.key,
                            address.external_id,
                        )
                        continue
                    target, mentions, to_member = place, [address.external_id], False
                text = self._render(reply, address.timezone)
                names = {} if to_member else self.rooms.names(target)
                messages.extend(
                    self._parts(
                        txn_id(cause, index),
                        target,
                        text,
                        names=names,
                        mentions=mentions,
                        to_member=to_member,
                        anchor=anchor,
                        attachments=_files(reply),
                    )
                )
                index += 1
        return messages

    async def _fallback_room(self, user_id: str, reply: Reply) -> str | None:
        circle = reply.params.get("circle")
        try:
            return await self.core.fallback_place(
                self.spec, PLATFORM, user_id, circle if isinstance(circle, str) else None
            )
        except Exception:  # no fallback is better than no delivery at all
            log.exception("looking up a room for %s failed", user_id)
            return None

    async def _circle_rooms(self, outcome: Outcome, sender: str) -> None:
        """Give a new circle its own room in the space, and invite those who join."""
        reply = outcome.reply
        name = reply.params.get("name")
        try:
            if reply.key == "circle.created" and isinstance(name, str):
                room_id = await self.rooms.open_circle_room(
                    name, str(reply.params.get("topic", "")), sender
                )
                if room_id is not None:
                    await set_circle_place(self.core, self.spec, name, room_id)
            elif reply.key == "circle.joined" and isinstance(name, str):
                await self.rooms.invite_to_circle(name, sender)
            for notice in outcome.notices:
                await self._circle_notice(notice)
        except (TransportError, RoomError) as error:
            log.warning("circle room upkeep failed: %s", error)

    async def _circle_notice(self, notice: Notice) -> None:
        name = notice.reply.params.get("name")
        if notice.reply.key != "circle.admitted" or not isinstance(name, str):
            return
        for address in notice.addresses:
            if address.platform == PLATFORM and address.kind == "member":
                await self.rooms.invite_to_circle(name, address.external_id)

    # Rooms that change under Junto.

    async def _follow_upgrade(self, old: str, new: str) -> None:
        """A served room was upgraded: serve its replacement, and move the circles
        whose notices went to the old room there."""
        if not new or self.state.replacement(old) == new:
            return
        log.info("room %s was upgraded to %s; following it", old, new)
        self.rooms.replace(old, new)
        if not await self.rooms.join_replacement(new):
            log.info("waiting for an invite to %s", new)
        moved = await self.core.replace_place(self.spec, PLATFORM, old, new)
        if moved:
            log.info("%d circles now post in %s", moved, new)

    async def _removed(self, room_id: str, events: Sequence[Any]) -> None:
        """Junto was kicked or banned from a room: a circle's room gives its notices
        back to the main room, and the admins are told."""
        mine = next(
            (
                e
                for e in reversed(events)
                if isinstance(e, RoomMemberEvent)
                and e.state_key == self.client.user_id
                and e.membership in ("leave", "ban")
            ),
            None,
        )
        if mine is None or mine.sender == self.client.user_id:
            return  # left on its own (a direct room a member left)
        how = "banned" if mine.membership == "ban" else "removed"
        circle = self.state.forget_circle_room(room_id)
        if circle is None and room_id not in self.rooms.configured:
            return
        main = self.rooms.main_room()
        if main is not None and main != room_id:
            # Every circle that posted there (its own room, or a shared one) posts in
            # the main room instead, so its notices and reviews still reach people.
            moved = await self.core.replace_place(self.spec, PLATFORM, room_id, main)
            log.info("%d circles moved from %s to %s", moved, room_id, main)
        if circle is not None:
            text = wording.removed_from_circle_room(circle, room_id, how, mine.sender)
        else:
            text = wording.removed_from_room(room_id, how, mine.sender)
        log.warning("%s", text)
        self._tell_admins(f"removed:{room_id}:{mine.event_id}", text)

    def _tell_admins(self, cause: str, text: str) -> None:
        self.state.enqueue(
            Outgoing(txn_id(cause, index), admin, notice_content(text), to_member=True)
            for index, admin in enumerate(sorted(self.config.admins))
            if not self.rooms.unreachable(admin)
        )

    async def _take_off(self, room: MatrixRoom, event: ReactionEvent) -> None:
        """Redact a refused ballot's reaction, as Discord takes one off; only where
        Junto has the power to, and it says once per room where it hasn't."""
        levels = room.power_levels
        if not levels.can_user_redact(self.client.user_id):
            if room.room_id not in self._cannot_redact:
                self._cannot_redact.add(room.room_id)
                log.warning("%s", wording.cannot_redact(room.room_id))
            return
        redacted = await self._call(
            "taking a refused ballot off",
            lambda: self.client.room_redact(room.room_id, event.event_id, reason="not a ballot"),
        )
        if isinstance(redacted, ErrorResponse):
            log.info("could not redact %s: %s", event.event_id, redacted)
            return
        self.state.forget_reaction(event.event_id)

    # Reactions.

    async def _on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        outcome = await self._react(
            room, event.sender, event.event_id, event.reacts_to, event.key, True
        )
        if outcome is None:
            return
        self.state.remember_reaction(
            event.event_id, StoredReaction(room.room_id, event.reacts_to, event.key, event.sender)
        )
        if outcome.refused:
            await self._take_off(room, event)
        await self._answer_reaction(
            outcome, f"{PLATFORM}:{event.event_id}", room, event.reacts_to, event.sender
        )

    async def _on_redaction(self, room: MatrixRoom, event: RedactionEvent) -> None:
        stored = self.state.reaction(event.redacts)
        if stored is None or stored.sender != event.sender:
            return
        outcome = await self._react(
            room, event.sender, event.event_id, stored.target_id, stored.emoji, False
        )
        self.state.forget_reaction(event.redacts)
        if outcome is not None:
            await self._answer_reaction(
                outcome, f"{PLATFORM}:{event.event_id}", room, stored.target_id, event.sender
            )

    async def _react(
        self, room: MatrixRoom, sender: str, event_id: str, target: str, emoji: str, added: bool
    ) -> Outcome | None:
        # A post is recorded just after it is sent; let any send under way finish first.
        async with self._flush_lock:
            pass
        reaction = Reaction(
            self._actor(room, sender), f"{PLATFORM}:{event_id}", self.spec, target, emoji, added
        )
        try:
            return await self.core.react(reaction)
        except Exception as error:  # answered like a failed command
            return Outcome(internal_error(log, f"reaction {event_id}", error))

    async def _answer_reaction(
        self, outcome: Outcome, key: str, room: MatrixRoom, target: str, sender: str
    ) -> None:
        reply = outcome.reply
        messages: list[Outgoing] = []
        if reply.private:
            # A ballot's answer is for the voter alone, in their direct room (when they
            # declined it, they learn no more than the room shows).
            if not self.rooms.unreachable(sender):
                text = self._render(reply, outcome.actor_timezone)
                messages = self._parts(txn_id(key, 0), sender, text, to_member=True)
        else:
            text = self._render(reply, outcome.community_timezone)
            messages = self._parts(
                txn_id(key, 0),
                room.room_id,
                text,
                names=self.rooms.names(room.room_id),
                in_reply_to=target,
            )
        messages += await self._notice_messages(outcome.notices, key, start=1)
        self.state.enqueue(messages)
        await self.flush()

    # Notices from due work.

    def _ours(self, notice: Notice) -> bool:
        # A notice from before notices named their community is this bot's own.
        return notice.community in (None, self.config.community)

    async def deliver(self, notices: Sequence[Notice]) -> list[Notice]:
        """Send notices (reminders, reviews, nudges) of this bot's community; those left
        for others: another community's (its own bot sends them) and other platforms'.

        Once written to the adapter's outbox a message is this bot's to send: the
        outbox survives restarts and sends each message once, so a homeserver out of
        reach leaves it queued there rather than handing the batch back."""
        left: list[Notice] = []
        mine: list[Notice] = []
        for notice in notices:
            if not self._ours(notice):
                left.append(notice)
                continue
            mine.append(notice)
            others = [a for a in notice.addresses if a.platform != PLATFORM]
            if others:
                left.append(notice.only(others))
        await self._deliver_mine(mine)
        return left

    async def _deliver_mine(self, notices: Sequence[Notice]) -> None:
        cause = hashlib.sha256(
            json.dumps(
                [[n.reply.to_json(), [astuple(a) for a in n.addresses]] for n in notices],
                sort_keys=True,
                default=str,
            ).encode()
        ).hexdigest()
        # The same batch delivered again gets the same transaction ids.
        messages = await self._notice_messages(notices, f"notices:{cause}")
        if not messages:
            return
        self.state.enqueue(messages)
        try:
            await self.flush()
            for notice in notices:
                await self._circle_notice(notice)
        except TransportError:
            log.info("the homeserver is out of reach; %d notices stay queued", len(messages))

    async def run_due(self) -> None:
        """Run whatever fell due by the core's clock and deliver its notices."""
        if self.jobs is not None:
            await self.jobs.run_due(self.deliver)
        for work in self._other_due:
            notices = await work(self.core)
            if notices:
                await self.deliver(notices)

    async def run_due_forever(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        while not stop.is_set() and not self._stop.is_set():
            try:
                await self.run_due()
            except TransportError:
                pass  # the outbox keeps the notices; the next pass sends them
            except Exception:  # one bad pass must not stop the loop
                log.exception("a pass over due work failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    # The outbox.

    async def flush(self) -> None:
        """Send everything queued, in order; a transport failure leaves the rest queued."""
        async with self._flush_lock:
            for message in self.state.pending():
                await self._send(message)
                self.state.sent(message.txn_id)

    async def flush_quietly(self) -> None:
        with contextlib.suppress(TransportError):
            await self.flush()

    async def _send(self, message: Outgoing) -> None:
        try:
            room_id = (
                await self.rooms.direct_room(message.target)
                if message.to_member
                else message.target
            )
        except RoomError as error:
            log.warning("dropping a message: %s", error)
            return
        sent = await self._call(
            "sending a message",
            lambda: self.client.room_send(
                room_id,
                message.event_type,
                message.content,
                tx_id=message.txn_id,
                ignore_unverified_devices=True,
            ),
        )
        if not isinstance(sent, RoomSendResponse):
            # Refused for good (not in the room, forbidden): keeping it would block the rest.
            log.warning("the homeserver refused a message to %s: %s", room_id, sent)
            return
        if message.anchor is not None:
            kind, object_id = message.anchor
            with contextlib.suppress(Duplicate):
                await self.core.record_post(
                    self.spec, PLATFORM, sent.event_id, Anchor(kind, object_id)
                )
        for index, (filename, content_type, data) in enumerate(message.attachments):
            await self._send_file(
                room_id, f"{message.txn_id}.{index}", filename, content_type, data
            )

    async def _send_file(
        self, room_id: str, txn: str, filename: str, content_type: str, data: str
    ) -> None:
        raw = base64.b64decode(data)
        room = self.client.rooms.get(room_id)
        encrypt = bool(room is not None and room.encrypted)
        uploaded, keys = await self._call(
            f"uploading {filename}",
            lambda: self.client.upload(
                lambda _a, _b: io.BytesIO(raw),
                content_type=content_type,
                filename=filename,
                encrypt=encrypt,
                filesize=len(raw),
            ),
        )
        if not isinstance(uploaded, UploadResponse):
            log.warning("uploading %s failed: %s", filename, uploaded)
            return
        msgtype = "m.image" if content_type.startswith("image/") else "m.file"
        content: dict[str, Any] = {
            "msgtype": msgtype,
            "body": filename,
            "info": {"mimetype": content_type, "size": len(raw)},
        }
        if encrypt and keys is not None:
            content["file"] = {**keys, "url": uploaded.content_uri}
        else:
            content["url"] = uploaded.content_uri
        await self._call(
            f"sending {filename}",
            lambda: self.client.room_send(
                room_id, "m.room.message", content, tx_id=txn, ignore_unverified_devices=True
            ),
        )


def _files(reply: Reply) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (a.filename, a.content_type, base64.b64encode(a.data).decode("ascii"))
        for a in reply.attachments
    )
