"""The terminal community: chat lines in, every message the bot sends printed."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from adapters.text import is_command, parse
from bot.core import Call, CommunitySpec, Core, Reaction
from bot.errors import DomainError
from bot.model.members import Actor
from bot.ports.unit_of_work import Unavailable
from bot.rendering import Style, format_instant, render
from bot.replies import Notice, Outcome, Reply, error_reply, internal_error

log = logging.getLogger(__name__)

PLATFORM = "console"
ROOM = "general"

_SPEAKER = re.compile(r"^([A-Za-z][\w.-]{0,31}):(?:\s+|$)(.*)$")
_NAME = re.compile(r"^[A-Za-z][\w.-]{0,31}$")
_SPAN = re.compile(r"(\d+)\s*([wdhm])", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


class MovableClock(Protocol):
    def advance(self, by: timedelta) -> None: ...


# Further than any rule looks ahead (escrows, membership years), and far inside
# what a date can hold however often the clock is moved.
_LONGEST_SPAN = timedelta(days=10 * 366)


def parse_span(text: str) -> timedelta:
    """`3d`, `1d12h`, `90m`, `2w` -> a timedelta."""
    cleaned = text.replace(" ", "")
    parts = _SPAN.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts).lower() != cleaned.lower():
        raise ValueError(text)
    try:
        span = sum(
            (timedelta(**{_UNITS[unit.lower()]: int(number)}) for number, unit in parts),
            timedelta(),
        )
    except OverflowError:
        raise ValueError(text) from None
    if span > _LONGEST_SPAN:
        raise ValueError(text)
    return span


class Console:
    def __init__(
        self,
        core: Core,
        clock: MovableClock,
        out: TextIO,
        community: CommunitySpec,
        *,
        prefix: str = "!",
        files: Path = Path("junto-out"),
    ) -> None:
        self.core = core
        self.clock = clock
        self.out = out
        self.community = community
        self.prefix = prefix
        self.files = files
        self.speaker: str | None = None
        self._session = secrets.token_hex(4)
        self._lines = 0
        self._messages = 0
        self.running = True

    async def handle(self, line: str) -> None:
        """One line typed at the console."""
        line = line.rstrip("\n")
        if not line.strip():
            return
        self._lines += 1
        if line.startswith(":"):
            await self._control(line[1:].strip())
            return
        match = _SPEAKER.match(line)
        if match:
            self.speaker, line = match.group(1).lower(), match.group(2)
            if line.startswith(":"):  # `bob: :react m7 ✅` is bob reacting
                await self._control(line[1:].strip())
                return
        if self.speaker is None:
            self._say("(say who is speaking first: `alice: !help`, or `:as alice`)")
            return
        if is_command(line, self.prefix):
            await self._command(line)

    async def _command(self, line: str) -> None:
        assert self.speaker is not None
        try:
            parsed = parse(line, self.prefix, self.core.catalogue)
        except DomainError as error:
            # Parse errors carry no instants, so the zone does not matter.
            await self._post(error_reply(error.code, error.params), "UTC")
            return
        outcome = await self.core.run(
            Call(
                parsed.command,
                self._actor(),
                self._key(),
                self.community,
                parsed.args,
                place=ROOM,
            )
        )
        await self._deliver(outcome)

    async def _control(self, text: str) -> None:
        verb, _, rest = text.partition(" ")
        rest = rest.strip()
        match verb.lower():
            case "as" if rest:
                name = rest.lstrip("@")
                if not _NAME.match(name):
                    self._say(
                        "(a speaker's name is a letter, then up to 31 letters, digits, "
                        "dots, hyphens or underscores: `:as bob`)"
                    )
                    return
                self.speaker = name.lower()
                self._say(f"(now speaking as {self.speaker})")
            case "react" | "unreact" if len(rest.split()) == 2 and self.speaker:
                message, emoji = rest.split()
                outcome = await self.core.react(
                    Reaction(
                        self._actor(),
                        self._key(),
                        self.community,
                        message.lstrip("[").rstrip("]"),
                        emoji,
                        added=verb.lower() == "react",
                    )
                )
                if outcome is None:
                    self._say(f"(nothing happens: {message} is not a message I watch)")
                else:
                    await self._deliver(outcome)
            case "advance" if rest:
                try:
                    span = parse_span(rest)
                except ValueError:
                    self._say(
                        "(say how far, up to ten years: `:advance 3d`, `:advance 2h`, "
                        "`:advance 1d12h`)"
                    )
                    return
                self.clock.advance(span)
                notices = await self.core.run_due()
                self._say(f"(the clock moves {rest} on, to {self._now()})")
                await self._deliver_notices(notices)
            case "now":
                self._say(f"(it is {self._now()})")
            case "quit" | "exit":
                self.running = False
            case _:
                self._say(
                    "(console controls: `:as NAME`, `:react m7 ✅`, `:unreact m7 ✅`, "
                    "`:advance 3d`, `:now`, `:quit`; a speaker needs a name first)"
                )

    async def _deliver(self, outcome: Outcome) -> None:
        await self._post(
            outcome.reply,
            outcome.actor_timezone if outcome.reply.private else outcome.community_timezone,
        )
        await self._deliver_notices(outcome.notices)

    async def _deliver_notices(self, notices: Sequence[Notice]) -> None:
        for notice in notices:
            for address in notice.addresses:
                if address.platform != PLATFORM:
                    continue
                where = f"@{address.external_id}" if address.kind == "member" else None
                await self._post(notice.reply, address.timezone, where)

    async def _post(self, reply: Reply, timezone: str, where: str | None = None) -> None:
        self._messages += 1
        message_id = f"m{self._messages}"
        if where is None:
            where = f"@{self.speaker} (private)" if reply.private else f"#{ROOM}"
        text = render(reply, Style(ZoneInfo(timezone), self.prefix))
        for attachment in reply.attachments:
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / f"{message_id}-{attachment.filename}"
            path.write_bytes(attachment.data)
            text += f"\n(attached: {path})"
        self.out.write(f"[{message_id}] {where}: " + text.replace("\n", "\n    ") + "\n")
        self.out.flush()
        if reply.anchor is not None:
            await self.core.record_post(self.community, PLATFORM, message_id, reply.anchor)

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _now(self) -> str:
        return format_instant(self.core.clock.now(), Style(ZoneInfo("UTC")))

    def _actor(self) -> Actor:
        assert self.speaker is not None
        return Actor(PLATFORM, self.speaker, self.speaker)

    def _key(self) -> str:
        return f"console:{self._session}:{self._lines}"

    async def run(self, stream: TextIO = sys.stdin) -> None:
        interactive = stream.isatty()
        if interactive:
            self._say("Junto console. Try `alice: !help`; `:quit` leaves.")
        while self.running:
            if interactive:
                self.out.write(f"{self.speaker or ''}> ")
                self.out.flush()
            line = await asyncio.to_thread(stream.readline)
            if not line:
                break
            await self._handle_safely(line)

    async def _handle_safely(self, line: str) -> None:
        """One line, whatever happens to it: the console outlives a lost database and
        any bug, so the next line is read as usual."""
        try:
            await self.handle(line)
        except Unavailable as error:
            log.warning("console line %d: the database is unavailable: %s", self._lines, error)
            self._say("(" + render(error_reply("error.unavailable", {}), Style()) + ")")
        except Exception as error:
            reply = internal_error(log, f"console line {self._lines}", error)
            self._say("(" + render(reply, Style()) + ")")
