"""What a fuzz campaign types, and how each line is judged.

Lines are built from every command of the catalogue, with values for each
argument drawn from what members type (a member, a circle, `2h`, a date),
what they mistype, and what nobody should type: NUL, lone surrogates, dates
past the calendar's ends, durations past a 32-bit column, daylight-saving
gaps, numbers with thousands of digits, unbalanced quotes. A tenth of the
lines are raw junk after the prefix.

A line is judged by two rules: no internal error ("something went wrong"),
and a refused line changes no row of any table. `tests/fuzz/test_fuzz.py`
draws lines with hypothesis; `bench/fuzz.py` draws many more at random.
"""

from __future__ import annotations

import itertools
import logging
import random
import string
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from adapters.app import App
from adapters.text import parse
from bot.commands import Arg, Command, Kind
from bot.core import Call, CommunitySpec
from bot.errors import DomainError
from bot.model.members import Actor
from bot.model.settings import SETTINGS
from bot.rendering import Style, render
from bot.replies import Reply, error_reply
from tests.snapshots import Snapshot, changes, snapshot

T = TypeVar("T")

SPEC = CommunitySpec("fuzz", "fuzz", first_speaker_admin=True)
MEMBERS = ["alice", "bob", "carol", "dan"]
# The community every campaign starts from: members in three contexts, an active
# circle with an event, hours issued and a request open, a provider and a
# proposed agreement, an open auction, a manual badge awarded, a journal note.
WORLD = [
    ("alice", '!profile set context:"Bournemouth, UK" timezone:Europe/London'),
    ("bob", "!profile set context:Lagos timezone:Africa/Lagos"),
    ("carol", '!profile set context:"São Paulo" timezone:America/Sao_Paulo'),
    ("dan", "!profile set context:Lagos"),
    ("alice", '!circle create python-basics "Python basics"'),
    ("bob", "!circle join python-basics"),
    ("carol", "!circle join python-basics"),
    ("dan", '!circle create spanish-a2 "Spanish at A2" 5'),
    ("alice", '!event schedule python-basics "Conversation hour" "2026-12-02 18:00" 90m'),
    ("bob", "!event rsvp 3 going"),
    ("alice", "!voucher issue @bob 3 tutoring"),
    ("alice", "!voucher issue @carol 2 tutoring"),
    ("bob", "!voucher redeem @alice 1 tutoring"),
    ("carol", "!provider register python 2 online full refund"),
    ("bob", "!agreement propose @carol python @bob 1 from:@alice"),
    ("carol", '!auction open @alice 1 5 GBP "2026-12-03 12:00"'),
    ("alice", '!admin settings badge_classes "Helper=manual"'),
    ("alice", "!admin role @dan assessor"),
    ("alice", '!badge award @bob helper "ran the tapas night"'),
    ("bob", "!journal add Started the course"),
]

# Characters that break things when nothing checks them.
NASTY = [
    "\x00", "\ud800", "\udfff", "\udc80", '"', "“", "”", "«", "»", "„", ":", "@", "#",
    "\n", "\t", "\r", " ", "\u202e", "\ufeff", "\u200b", "\u0301", "🇬🇧", "👩‍👩‍👧", "💩",
    "\\", "'", "`", "{", "}", "{hint}", "%s", "%", "\x1b[2J", "\x7f", "\u2028", "İ", "ß",
    "ﬁ", "Å", "ǅ", "０", "١", "∞", "-", ".", ",", ";", "=", "/", "..", "*", "_",
]  # fmt: skip

NUMBERS = [
    "0", "1", "2", "3", "4", "5", "7", "12", "#1", "#3", "#99", "-1", "+1", "1.5", "1,000",
    "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e5", "1e400",
    "9" * 30, "9" * 5000, "0x10", "٣", "³", "½", "NaN", "inf", "00000000000000000001",
]  # fmt: skip
DURATIONS = [
    "2", "1.5", "2h", "90m", "1h30m", "15m", "45m", "0", "0m", "0.25", "1h 15m", "3 hours",
    "2147483647", "99999999999h", "1000001h", "1e400", "9" * 400, "-1", "1.333", "24h",
    "25h", "20:00", "01:30", "25:00", "1000h", "999999999999999999999m", "0.0000001",
]  # fmt: skip
INSTANTS = [
    "2026-12-02 18:00", "2026-12-03 12:00", "2027-01-07 18:00", "2026-12-01T18:00Z",
    "2026-12-02T18:00+01:00", "2027-03-28 01:30", "2027-03-28 02:00", "2027-10-31 01:30",
    "9999-12-31 23:59", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59-14:00",
    "1899-12-31 23:59", "2026-02-30 10:00", "2026-12-01 24:00", "tomorrow", "2030-01-01",
    "2026-12-01T09:00:00.123456+05:30", "+002026-12-01", "2026-W49-2", "20261202T1800",
]  # fmt: skip
SETTING_VALUES = [
    "1e-400", "1e-999999999", "2/3", "0.75", "1", "0", "-1", "3/2", "1/0", "0/0", "1/1001",
    "Mentor=hosted:100000000000000000000", "Mentor=hosted:5; Guide=manual",
    "Giver=delivered:99999999h", "x=attended:0", "Europe/London", "europe/london",
    "Mars/Base", "24h, 1h", "99999999999h", "1h," * 10, "500", "501", "3", "10h", "1001h",
    "participant, skill", "", "0.50", "1.005", "abc",
]  # fmt: skip
PEOPLE = ["@alice", "@bob", "@carol", "@dan", "bob", "@nobody", "@", "<@123>", "@bob:example.org"]
CIRCLES = ["python-basics", "spanish-a2", "nope", "Python-Basics", "a", "x" * 40, "a--b"]
TEXTS = [
    "hello", "tutoring", "python", "online", "full refund", "x" * 300, "GBP", "JPY", "ABC",
    # Longer once casefolded or normalised than as typed.
    "ß" * 80, "ﬃ" * 80, "İ" * 80, "ẞ" * 200,
]  # fmt: skip
SPEAKERS = [*MEMBERS, "erin", "Frank", "g.h-i"]


class Picker(Protocol):
    """Where a campaign's choices come from: hypothesis, or a seeded random source."""

    def choice(self, options: Sequence[T]) -> T: ...

    def chance(self, percent: int) -> bool: ...

    def junk(self) -> str: ...


class RandomPicker:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self._alphabet = [*NASTY, *string.printable, "é", "ü", "日本", "😀"]

    def choice(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]

    def chance(self, percent: int) -> bool:
        return self.random.randrange(100) < percent

    def junk(self) -> str:
        size = self.random.choice((0, 1, 2, 5, 12, 40, 200))
        if self.random.randrange(50) == 0:
            # A code point from anywhere, surrogates and unassigned ones included.
            return "".join(chr(self.random.randrange(0x110000)) for _ in range(size))
        return "".join(self.random.choice(self._alphabet) for _ in range(size))


def line(pick: Picker, commands: Sequence[Command]) -> tuple[str, str]:
    """Who speaks, and what they type."""
    who = pick.choice(SPEAKERS) if pick.chance(97) else pick.junk()[:32] or "x"
    if pick.chance(8):
        return who, pick.choice(("!", "! ", "!!", "")) + pick.junk()
    command = pick.choice(commands)
    name = command.name
    if pick.chance(3):
        name = name.upper() if pick.chance(50) else name[:-1]
    words = [name]
    for arg in command.args:
        if (not arg.required and pick.chance(50)) or pick.chance(3):
            continue
        words.append(_written(pick, arg, _value(pick, command, arg)))
    if pick.chance(5):
        words.append(pick.junk())
    if pick.chance(5) and len(words) > 2:
        words[1], words[-1] = words[-1], words[1]
    return who, "!" + " ".join(words)


def _value(pick: Picker, command: Command, arg: Arg) -> str:
    if pick.chance(15):
        return pick.junk()
    if pick.chance(4):
        return pick.choice(NASTY) + pick.choice(TEXTS) + pick.choice(NASTY)
    match arg.kind:
        case Kind.MEMBER:
            return pick.choice(PEOPLE)
        case Kind.CIRCLE:
            return pick.choice(CIRCLES)
        case Kind.NUMBER | Kind.INTEGER:
            return pick.choice(NUMBERS)
        case Kind.DURATION:
            return pick.choice(DURATIONS)
        case Kind.INSTANT:
            return pick.choice(INSTANTS)
        case Kind.CHOICE:
            return pick.choice([*arg.choices, arg.choices[0].upper(), "maybe-not"])
        case Kind.SETTING:
            return pick.choice([*SETTINGS, "nope"])
    if command.name == "admin settings":
        return pick.choice(SETTING_VALUES)
    if arg.name == "duration":  # event lengths are text: a length or an end time
        return pick.choice([*DURATIONS, *INSTANTS])
    if arg.name in ("learners", "hosts", "provider"):
        return pick.choice([*PEOPLE, "@bob,@carol", "@bob @carol"])
    if arg.name in ("amount", "reserve"):
        return pick.choice([*NUMBERS, "5", "12.50", "0.001", "GBP 5"])
    return pick.choice([*TEXTS, *PEOPLE, *NUMBERS[:4], *INSTANTS[:2]])


def _written(pick: Picker, arg: Arg, value: str) -> str:
    quoted = value
    if pick.chance(40) or any(c.isspace() for c in value) or not value:
        opening, closing = pick.choice((('"', '"'), ("“", "”"), ("«", "»"), ('"', "")))
        quoted = opening + value + closing
    if arg.named_only or pick.chance(20):
        return f"{arg.name}:{quoted}"
    return quoted


@dataclass
class Finding:
    who: str
    line: str
    detail: str


@dataclass
class Tally:
    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    internal: list[Finding] = field(default_factory=list)
    changed: list[Finding] = field(default_factory=list)


class _Errors(logging.Handler):
    """What the core logged as an internal error, with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        trace = "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
        self.seen.append(record.getMessage() + "\n" + trace[-3000:])


class Probe:
    """Says lines to one community and judges each."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.tally = Tally()
        self._keys = itertools.count(1)
        self._current: Snapshot | None = None
        self._errors = _Errors()

    async def set_up(self) -> None:
        for who, typed in WORLD:
            reply, refused, _ = await self._say(who, typed)
            if refused or reply.key.startswith(("input.", "error.")):
                raise AssertionError(f"setting up the fuzz world: {typed} -> {reply}")

    async def judge(self, who: str, typed: str) -> None:
        tally = self.tally
        tally.inputs += 1
        before = self._current or await snapshot(self.app.engine)
        core_log = logging.getLogger("bot.core")
        core_log.addHandler(self._errors)
        self._errors.seen.clear()
        try:
            reply, refused, reached = await self._say(who, typed)
            # Every reply must render, as every reader would see it.
            render(reply, Style())
        except Exception:
            tally.internal.append(Finding(who, typed, traceback.format_exc()[-3000:]))
            self._current = None
            return
        finally:
            core_log.removeHandler(self._errors)
        if reply.key == "error.internal":
            detail = "\n".join(self._errors.seen) or str(reply.params)
            tally.internal.append(Finding(who, typed, detail))
        # A line the parser refused never reached the database.
        after = await snapshot(self.app.engine) if reached else before
        self._current = after
        if not refused:
            tally.accepted += 1
            return
        tally.refused += 1
        changed = changes(before, after)
        if changed:
            tally.changed.append(Finding(who, typed, f"{reply.key}: {changed}"[:3000]))

    async def _say(self, who: str, typed: str) -> tuple[Reply, bool, bool]:
        """The reply, whether it was a refusal, and whether the line reached the core."""
        try:
            parsed = parse(typed, "!", self.app.core.catalogue)
        except DomainError as error:
            return error_reply(error.code, error.params), True, False
        outcome = await self.app.core.run(
            Call(
                parsed.command,
                Actor("console", who, who),
                f"fuzz:{next(self._keys)}",
                SPEC,
                parsed.args,
                place="general",
            )
        )
        for notice in outcome.notices:
            render(notice.reply, Style())
        return outcome.reply, outcome.refused, True


def report(tally: Tally, limit: int = 3) -> str:
    lines = [
        f"{tally.inputs} inputs: {tally.accepted} accepted, {tally.refused} refused, "
        f"{len(tally.internal)} internal errors, {len(tally.changed)} state changes "
        "after a refusal"
    ]
    for title, found in (("internal error", tally.internal), ("changed", tally.changed)):
        for finding in found[:limit]:
            lines.append(f"--- {title}: {finding.who!r}: {finding.line[:300]!r}\n{finding.detail}")
    return "\n".join(lines)
