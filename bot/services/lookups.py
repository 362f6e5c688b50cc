"""Read-only lookups adapters need: where to reach a member, which events to mirror."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.ports.unit_of_work import UnitOfWork

# Upcoming events a platform's own calendar mirrors, soonest first.
MIRROR_LIMIT = 100


async def fallback_place(
    uow: UnitOfWork,
    community_id: int,
    platform: str,
    external_id: str,
    circle_name: str | None = None,
) -> str | None:
    """The place of the circle a notice is about, if the member sits in it; else the
    place of the first circle they sit in; None when they sit in none with a place."""
    member = await uow.members.by_identity(community_id, platform, external_id)
    if member is None:
        return None
    seated = await uow.events.circle_ids_of(member.id)
    if circle_name:
        named = await uow.circles.by_name(community_id, circle_name)
        if named is not None and named.id in seated:
            seated = [named.id, *(c for c in seated if c != named.id)]
    for circle_id in seated:
        for where, place in await uow.circles.places(circle_id):
            if where == platform:
                return place
    return None


async def circle_place(
    uow: UnitOfWork, community_id: int, circle_name: str, platform: str
) -> str | None:
    """Where a circle's notices and reviews go on a platform, if it has a place there."""
    circle = await uow.circles.by_name(community_id, circle_name)
    if circle is None:
        return None
    return next((p for where, p in await uow.circles.places(circle.id) if where == platform), None)


async def circle_leads(
    uow: UnitOfWork, community_id: int, circle_id: int, platform: str
) -> list[str]:
    """The platform ids of a circle's leads, who are told when its place can't be used."""
    circle = await uow.circles.get(circle_id)
    if circle.community_id != community_id:
        return []
    found: list[str] = []
    for seat in await uow.circles.seats(circle_id):
        if seat.lead and not seat.waiting:
            found.extend(
                external
                for where, external in await uow.members.identities(seat.member_id)
                if where == platform
            )
    return found


@dataclass(frozen=True)
class EventView:
    """An event as a calendar elsewhere shows it."""

    number: int
    title: str
    circle: str
    starts_at: datetime
    ends_at: datetime
    status: str
    description: str
    location: str


async def events_to_mirror(
    uow: UnitOfWork, community_id: int, now: datetime, numbers: Sequence[int] | None = None
) -> list[EventView]:
    """Scheduled events that have not ended (numbers=None), or the events with these
    numbers whatever their state."""
    if numbers is None:
        events = await uow.events.upcoming(community_id, now, None, MIRROR_LIMIT)
    else:
        found = [await uow.events.by_number(community_id, n) for n in numbers]
        events = [e for e in found if e is not None]
    names: dict[int, str] = {}
    views = []
    for event in events:
        if event.circle_id not in names:
            names[event.circle_id] = (await uow.circles.get(event.circle_id)).name
        views.append(
            EventView(
                event.number,
                event.title,
                names[event.circle_id],
                event.starts_at,
                event.ends_at,
                event.status,
                event.description,
                event.location,
            )
        )
    return views
