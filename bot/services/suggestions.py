"""Suggestions for a half-typed argument: circle names and the numbers of things.

Platforms with autocomplete (Discord) show these while a member types. Reading
only: nothing here changes, and a member who never spoke yet gets the public
suggestions (circles, events, auctions) but none of anyone's requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.model import circles as circle_rules
from bot.model.settings import SETTINGS
from bot.model.units import format_minutes
from bot.ports.unit_of_work import UnitOfWork
from bot.rendering import Style, format_instant

LIMIT = 25
KINDS = ("circle", "event", "request", "agreement", "auction", "setting")


@dataclass(frozen=True)
class Suggestion:
    label: str
    value: str


@dataclass(frozen=True)
class Asker:
    community_id: int
    member_id: int | None
    timezone: str
    now: datetime


def _matches(typed: str, number: int | None, label: str) -> bool:
    wanted = typed.strip().lstrip("#").casefold()
    if not wanted:
        return True
    if number is not None and wanted.isdigit():
        # A number being typed matches numbers, not the digits of a date in a label.
        return str(number).startswith(wanted)
    return wanted in label.casefold()


def _numbered(typed: str, labelled: Iterable[tuple[int, str]]) -> list[Suggestion]:
    """The numbered objects whose number or label matches what was typed."""
    return [Suggestion(label, str(n)) for n, label in labelled if _matches(typed, n, label)]


def _when(value: datetime, timezone: str) -> str:
    return format_instant(value, Style(ZoneInfo(timezone)))


async def suggest(uow: UnitOfWork, asker: Asker, kind: str, typed: str) -> list[Suggestion]:
    """At most LIMIT suggestions of `kind` matching what has been typed so far."""
    found: Iterable[Suggestion]
    match kind:
        case "circle":
            found = await _circles(uow, asker, typed)
        case "event":
            found = await _events(uow, asker, typed)
        case "request":
            found = await _requests(uow, asker, typed)
        case "agreement":
            found = await _agreements(uow, asker, typed)
        case "auction":
            found = await _auctions(uow, asker, typed)
        case "setting":
            found = [
                Suggestion(f"{name}: {s.help}", name)
                for name, s in SETTINGS.items()
                if _matches(typed, None, name)
            ]
        case _:
            found = []
    return list(found)[:LIMIT]


async def _circles(uow: UnitOfWork, asker: Asker, typed: str) -> list[Suggestion]:
    return [
        Suggestion(f"{c.name}: {c.topic}", c.name)
        for c in await uow.circles.all(asker.community_id)
        if c.status != circle_rules.ARCHIVED and _matches(typed, None, c.name + " " + c.topic)
    ]


async def _events(uow: UnitOfWork, asker: Asker, typed: str) -> list[Suggestion]:
    events = await uow.events.upcoming(asker.community_id, asker.now, None, LIMIT * 4)
    wanted = typed.strip().lstrip("#")
    if wanted.isdigit() and not any(e.number == int(wanted) for e in events):
        # A finished event (one under review, say) is found by its exact number.
        exact = await uow.events.by_number(asker.community_id, int(wanted))
        if exact is not None:
            events.insert(0, exact)
    return _numbered(
        typed,
        (
            (e.number, f"#{e.number} {e.title}, {_when(e.starts_at, asker.timezone)}")
            for e in events
        ),
    )


async def _requests(uow: UnitOfWork, asker: Asker, typed: str) -> list[Suggestion]:
    if asker.member_id is None:
        return []
    requests = await uow.ledger.open_redemptions(asker.community_id, asker.member_id)
    names = await uow.ledger.names(
        {r.holder_id for r in requests} | {r.issuer_id for r in requests}
    )
    return _numbered(
        typed,
        (
            (
                r.number,
                f"#{r.number} {format_minutes(r.minutes)} of {names.get(r.issuer_id, '?')}'s "
                f"time for {names.get(r.holder_id, '?')}: {r.service} ({r.status})",
            )
            for r in requests
        ),
    )


async def _agreements(uow: UnitOfWork, asker: Asker, typed: str) -> list[Suggestion]:
    if asker.member_id is None:
        return []
    agreements = await uow.agreements.involving(asker.community_id, asker.member_id)
    names = await uow.ledger.names({a.provider_id for a in agreements})
    return _numbered(
        typed,
        (
            (a.number, f"#{a.number} {a.skill} with {names.get(a.provider_id, '?')} ({a.status})")
            for a in agreements
        ),
    )


async def _auctions(uow: UnitOfWork, asker: Asker, typed: str) -> list[Suggestion]:
    auctions = await uow.auctions.listed(asker.community_id)
    names = await uow.ledger.names({a.issuer_id for a in auctions})
    return _numbered(
        typed,
        (
            (
                a.number,
                f"#{a.number} {format_minutes(a.minutes)} of {names.get(a.issuer_id, '?')}'s "
                f"time, ends {_when(a.ends_at, asker.timezone)}",
            )
            for a in auctions
        ),
    )
