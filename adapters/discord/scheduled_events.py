"""Each Junto event mirrored as a native Guild Scheduled Event.

The guild's own list of scheduled events is the record: each event the bot made
ends its description with `Junto event #12`, so any process (any shard) can
reconcile a guild without storing Discord ids. Reconciling cancels what Junto
cancelled, edits what changed, and creates what is missing, soonest first; an
event that started or ended is left to Discord.

Each event is mirrored on its own: Discord allows a guild 100 scheduled or active
events, counting those people made (error 30038), and refuses all of them without
Manage Events (403). What can't be mirrored is skipped and recorded in `skipped`,
the rest is still reconciled, and the server's admins are told once what is wrong;
the next pass (after any change) tries the skipped ones again.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import discord

from adapters.discord import wording
from bot.core import CommunitySpec, Core
from bot.model.events import CANCELLED
from bot.services.lookups import EventView

log = logging.getLogger(__name__)

GUILD_ONLY = 2  # privacy_level: the only one Discord accepts
EXTERNAL = 3  # entity_type: somewhere outside Discord's voice and stage channels
SCHEDULED = 1
CANCELED = 4
ACTIVE = 2
MAX_NAME = 100
MAX_DESCRIPTION = 1000
MAX_LOCATION = 100
# Scheduled or active events a guild may have, whoever made them.
MAX_UNCOMPLETED = 100
TOO_MANY_EVENTS = 30038
# Why an event is not mirrored.
CAP = "cap"
FORBIDDEN = "forbidden"
FAILED = "failed"
# Tells a guild's admins something: (guild id, text).
TellAdmins = Callable[[int, str], Awaitable[None]]
_MARKER = re.compile(r"Junto event #(\d+)\s*$")


def marker(number: int) -> str:
    return f"Junto event #{number}"


def number_of(raw: Mapping[str, Any]) -> int | None:
    match = _MARKER.search(str(raw.get("description") or ""))
    return int(match.group(1)) if match else None


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def payload(event: EventView) -> dict[str, Any]:
    """A scheduled event's fields for one Junto event."""
    tail = f"\n\nRSVP: /event rsvp {event.number}\n{marker(event.number)}"
    about = (event.description or f"An event of the circle {event.circle}.").strip()
    location = event.location or f"Circle {event.circle}"
    if len(location) > MAX_LOCATION:
        # Discord's location holds 100 characters; a long place (a meeting link) is
        # given whole in the description rather than cut.
        about = f"Where: {location}\n\n{about}"
        location = location[: MAX_LOCATION - 1] + "…"
    about = about[: MAX_DESCRIPTION - len(tail)]
    return {
        "name": event.title[:MAX_NAME],
        "description": about + tail,
        "scheduled_start_time": _time(event.starts_at),
        "scheduled_end_time": _time(event.ends_at),
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": location[:MAX_LOCATION]},
        "channel_id": None,
    }


def _same(raw: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    def instant(value: Any) -> datetime | None:
        return datetime.fromisoformat(str(value)) if value else None

    return (
        raw.get("name") == wanted["name"]
        and (raw.get("description") or "") == wanted["description"]
        and instant(raw.get("scheduled_start_time")) == instant(wanted["scheduled_start_time"])
        and instant(raw.get("scheduled_end_time")) == instant(wanted["scheduled_end_time"])
        and (raw.get("entity_metadata") or {}).get("location")
        == wanted["entity_metadata"]["location"]
    )


def _why(error: discord.HTTPException) -> str:
    if error.code == TOO_MANY_EVENTS:
        return CAP
    if error.status == 403:
        return FORBIDDEN
    return FAILED


class EventMirror:
    def __init__(
        self,
        client: discord.Client,
        core: Core,
        community_of: Callable[[int], CommunitySpec],
        tell_admins: TellAdmins | None = None,
    ) -> None:
        self.client = client
        self.core = core
        self.community_of = community_of
        self.tell_admins = tell_admins
        # Per guild, the events the last pass could not mirror and why.
        self.skipped: dict[int, dict[int, str]] = {}
        # Per guild, the reasons its admins have been told of and not yet seen cleared.
        self._told: dict[int, set[str]] = {}
        # One pass at a time per guild, or two passes would both create (or cancel) one event.
        self._locks: dict[int, asyncio.Lock] = {}
        # Guilds with a pass running, and whether another was asked for meanwhile.
        self._again: dict[int, bool] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def request(self, guild_id: int) -> None:
        """Reconcile in the background; requests during a pass make one more pass."""
        if guild_id in self._again:
            self._again[guild_id] = True
            return
        self._again[guild_id] = False
        task = asyncio.ensure_future(self._passes(guild_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _passes(self, guild_id: int) -> None:
        try:
            while True:
                try:
                    await self.reconcile(guild_id)
                except Exception:  # Discord refused something; the next change tries again
                    log.exception("scheduled events of guild %s not reconciled", guild_id)
                if not self._again.get(guild_id):
                    return
                self._again[guild_id] = False
        finally:
            self._again.pop(guild_id, None)

    async def idle(self) -> None:
        """Wait for background passes to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def reconcile(self, guild_id: int) -> None:
        """Bring the guild's scheduled events in line with Junto's events."""
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:
            await self._reconcile(guild_id)

    async def _reconcile(self, guild_id: int) -> None:
        me = self.client.user
        if me is None:
            return
        spec = self.community_of(guild_id)
        http = self.client.http
        listed = await http.get_scheduled_events(guild_id, False)
        ours: dict[int, Mapping[str, Any]] = {}
        for raw in listed:
            number = number_of(raw)
            if number is not None and str(raw.get("creator_id")) == str(me.id):
                ours[number] = raw
        # Discord's cap counts every scheduled or active event, people's too.
        uncompleted = sum(1 for raw in listed if int(raw.get("status", 0)) in (SCHEDULED, ACTIVE))
        skipped: dict[int, str] = {}
        forbidden = False

        async def attempt(number: int, request: Awaitable[Any]) -> bool:
            nonlocal forbidden
            try:
                await request
            except discord.HTTPException as error:
                why = _why(error)
                forbidden = forbidden or why == FORBIDDEN
                skipped[number] = why
                log.warning(
                    "event #%s of guild %s not mirrored (%s): %s",
                    number,
                    guild_id,
                    why,
                    error.text or error.status,
                )
                return False
            return True

        now = self.core.clock.now()
        upcoming = await self.core.events_to_mirror(spec)
        # Cancellations first: each frees a place under the cap for a new event.
        gone = [n for n in ours if n not in {e.number for e in upcoming}]
        for event in await self.core.events_to_mirror(spec, gone) if gone else []:
            existing = ours[event.number]
            if event.status != CANCELLED or int(existing.get("status", 0)) != SCHEDULED:
                continue
            if forbidden:
                skipped[event.number] = FORBIDDEN
                continue
            request = http.edit_scheduled_event(
                guild_id,
                int(existing["id"]),
                reason="the Junto event was cancelled",
                status=CANCELED,
            )
            if await attempt(event.number, request):
                uncompleted -= 1
        for event in upcoming:
            wanted = payload(event)
            existing = ours.get(event.number)
            if existing is None:
                if event.starts_at <= now:
                    continue
                if forbidden:
                    skipped[event.number] = FORBIDDEN
                elif uncompleted >= MAX_UNCOMPLETED:
                    skipped[event.number] = CAP  # not asked: Discord would refuse it
                else:
                    request = http.create_guild_scheduled_event(
                        guild_id, reason="a Junto event", **wanted
                    )
                    if await attempt(event.number, request):
                        uncompleted += 1
                    elif skipped.get(event.number) == CAP:
                        uncompleted = MAX_UNCOMPLETED
                continue
            if int(existing.get("status", SCHEDULED)) != SCHEDULED or _same(existing, wanted):
                continue
            if event.starts_at <= now:
                continue  # started: Discord runs it from here
            if forbidden:
                skipped[event.number] = FORBIDDEN
                continue
            request = http.edit_scheduled_event(
                guild_id, int(existing["id"]), reason="the Junto event changed", **wanted
            )
            await attempt(event.number, request)
        self.skipped[guild_id] = skipped
        await self._tell(guild_id, skipped)

    async def _tell(self, guild_id: int, skipped: Mapping[int, str]) -> None:
        """Tell the admins once per reason; a reason that clears may be told again later."""
        told = self._told.setdefault(guild_id, set())
        reasons = set(skipped.values())
        told &= reasons
        for reason, text in (
            (CAP, wording.EVENTS_CAP_REASON),
            (FORBIDDEN, wording.EVENTS_FORBIDDEN_REASON),
        ):
            if reason not in reasons or reason in told:
                continue
            told.add(reason)
            if self.tell_admins is None:
                continue
            guild = self.client.get_guild(guild_id)
            numbers = [n for n, why in skipped.items() if why == reason]
            message = wording.events_cannot_mirror(
                guild.name if guild else "this server", text, numbers
            )
            try:
                await self.tell_admins(guild_id, message)
            except Exception:  # telling is a courtesy; the skip is logged already
                log.exception("could not tell the admins of guild %s", guild_id)
