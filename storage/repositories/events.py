"""Events, attendance, ballots and due jobs, with explicit row <-> model mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, func, insert, select, update

from bot.model.events import GOING, SCHEDULED, VALIDATED, Attendee, Event
from bot.model.reviews import Ballot
from storage.repositories.base import Repository
from storage.tables import circles as circles_t
from storage.tables import members as members_t
from storage.tables.events import event_attendees, event_hosts, events
from storage.tables.reviews import review_ballots


def _event(row: Row[Any]) -> Event:
    return Event(
        id=row.id,
        community_id=row.community_id,
        circle_id=row.circle_id,
        number=row.number,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
        counts=row.counts,
        created_by=row.created_by,
        created_at=row.created_at,
        capacity=row.capacity,
        description=row.description,
        location=row.location,
        series_id=row.series_id,
        occurrence=row.occurrence,
        sequence=row.sequence,
        review_closes_at=row.review_closes_at,
        closed_at=row.closed_at,
        at_level=row.at_level,
        below=row.below,
        voters=row.voters,
    )


# Upcoming events are scheduled ones that have not ended; an index on
# (community or circle, status, start) starts the walk at the first of them.
_GOING = (
    select(func.count())
    .where(event_attendees.c.event_id == events.c.id, event_attendees.c.rsvp == GOING)
    .scalar_subquery()
)
_NAMED = select(events, circles_t.circles.c.name.label("circle_name"), _GOING.label("going")).join(
    circles_t.circles, circles_t.circles.c.id == events.c.circle_id
)
_UPCOMING_WHERE = (
    events.c.status == bindparam("scheduled"),
    events.c.ends_at > bindparam("after"),
)
# One statement for the community and one for a circle, each with its own index:
# an optional filter would leave PostgreSQL's generic plan without either.
_LISTED = {
    in_circle: _NAMED.where(
        events.c.circle_id == bindparam("circle_id")
        if in_circle
        else events.c.community_id == bindparam("community_id"),
        *_UPCOMING_WHERE,
    )
    .order_by(events.c.starts_at, events.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    for in_circle in (False, True)
}


def events_of(member: Any, *, attended: bool) -> Any:
    """The events a member attended (checked in, not as a host) or hosted, with the
    columns the yearly counts filter on. Read from the member's own index, then
    events by key: OFFSET 0 keeps the time window from being pushed down, where
    PostgreSQL's generic plan, guessing a window holds a row or two, would walk every
    event in it probing for the member instead."""
    if attended:
        hosted_too = (
            select(event_hosts.c.event_id)
            .where(event_hosts.c.event_id == events.c.id, event_hosts.c.member_id == member)
            .exists()
        )
        mine = (
            select(events.c.starts_at, events.c.status, events.c.counts)
            .select_from(event_attendees)
            .join(events, events.c.id == event_attendees.c.event_id)
            .where(
                event_attendees.c.member_id == member,
                event_attendees.c.checked_in_at.is_not(None),
                ~hosted_too,
            )
        )
    else:
        mine = (
            select(events.c.starts_at, events.c.status, events.c.counts)
            .select_from(event_hosts)
            .join(events, events.c.id == event_hosts.c.event_id)
            .where(event_hosts.c.member_id == member)
        )
    return mine.offset(0).subquery("attended" if attended else "hosted")


def counted(mine: Any, start: Any = None, end: Any = None) -> Any:
    """How many of `events_of` are validated and count, starting in [start, end)."""
    window = []
    if start is not None:
        window.append(mine.c.starts_at >= start)
    if end is not None:
        window.append(mine.c.starts_at < end)
    return (
        select(func.count())
        .select_from(mine)
        .where(mine.c.status == bindparam("validated"), mine.c.counts.is_(True), *window)
        .scalar_subquery()
    )


_member_b: Any = bindparam("member")
_STANDING = select(
    counted(events_of(_member_b, attended=True), bindparam("start"), bindparam("end")).label(
        "attended"
    ),
    counted(events_of(_member_b, attended=False), bindparam("start"), bindparam("end")).label(
        "hosted"
    ),
)


def _changeable(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "capacity": event.capacity,
        "status": event.status,
        "sequence": event.sequence,
        "review_closes_at": event.review_closes_at,
        "closed_at": event.closed_at,
        "at_level": event.at_level,
        "below": event.below,
        "voters": event.voters,
    }


class SqlEvents(Repository):
    async def create(self, event: Event) -> Event:
        result = await self._exec(
            insert(events)
            .values(
                community_id=event.community_id,
                circle_id=event.circle_id,
                number=event.number,
                series_id=event.series_id,
                occurrence=event.occurrence,
                counts=event.counts,
                created_by=event.created_by,
                created_at=event.created_at,
                **_changeable(event),
            )
            .returning(events.c.id)
        )
        event.id = int(result.scalar_one())
        return event

    async def set_series(self, event_ids: Sequence[int], series_id: int) -> None:
        await self._exec(
            update(events).where(events.c.id.in_(list(event_ids))).values(series_id=series_id)
        )

    async def get(self, event_id: int, *, lock: bool = False) -> Event:
        query = select(events).where(events.c.id == event_id)
        row = (await self._exec(self._for_update(query) if lock else query)).one()
        return _event(row)

    async def by_number(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Event | None:
        query = select(events).where(
            events.c.community_id == community_id, events.c.number == number
        )
        row = (await self._exec(self._for_update(query) if lock else query)).first()
        return _event(row) if row else None

    async def save(self, event: Event) -> None:
        await self._exec(update(events).where(events.c.id == event.id).values(**_changeable(event)))

    async def upcoming(
        self, community_id: int, after: datetime, circle_ids: Sequence[int] | None, limit: int
    ) -> list[Event]:
        query = select(events).where(
            events.c.community_id == community_id,
            events.c.status == SCHEDULED,
            events.c.ends_at > after,
        )
        if circle_ids is not None:
            query = query.where(events.c.circle_id.in_(list(circle_ids)))
        rows = await self._exec(query.order_by(events.c.starts_at, events.c.id).limit(limit))
        return [_event(r) for r in rows]

    async def listed(
        self,
        community_id: int,
        after: datetime,
        circle_id: int | None,
        offset: int,
        limit: int,
    ) -> list[tuple[Event, str, int]]:
        rows = await self._exec(
            _LISTED[circle_id is not None],
            {
                "community_id": community_id,
                "circle_id": circle_id,
                "scheduled": SCHEDULED,
                "after": after,
                "offset": offset,
                "limit": limit,
            },
        )
        return [(_event(r), r.circle_name, int(r.going)) for r in rows]

    async def following(self, series_id: int, occurrence: int) -> list[Event]:
        rows = await self._exec(
            select(events)
            .where(events.c.series_id == series_id, events.c.occurrence >= occurrence)
            .order_by(events.c.occurrence)
        )
        return [_event(r) for r in rows]

    async def hosts(self, event_id: int) -> list[tuple[int, str]]:
        rows = await self._exec(
            select(event_hosts.c.member_id, members_t.members.c.display_name)
            .join(members_t.members, members_t.members.c.id == event_hosts.c.member_id)
            .where(event_hosts.c.event_id == event_id)
            .order_by(members_t.members.c.display_name, members_t.members.c.id)
        )
        return [(int(r.member_id), r.display_name) for r in rows]

    async def add_hosts(self, event_id: int, member_ids: Sequence[int]) -> None:
        await self._exec(
            insert(event_hosts), [{"event_id": event_id, "member_id": m} for m in member_ids]
        )

    async def attendees(self, event_id: int) -> list[Attendee]:
        rows = await self._exec(
            select(event_attendees, members_t.members.c.display_name)
            .join(members_t.members, members_t.members.c.id == event_attendees.c.member_id)
            .where(event_attendees.c.event_id == event_id)
            .order_by(event_attendees.c.id)
        )
        return [
            Attendee(
                member_id=int(r.member_id),
                display_name=r.display_name,
                rsvp=r.rsvp,
                rsvp_at=r.rsvp_at,
                checked_in_at=r.checked_in_at,
                order=int(r.id),
            )
            for r in rows
        ]

    async def going_counts(self, event_ids: Sequence[int]) -> dict[int, int]:
        if not event_ids:
            return {}
        rows = await self._exec(
            select(event_attendees.c.event_id, func.count().label("going"))
            .where(event_attendees.c.event_id.in_(list(event_ids)), event_attendees.c.rsvp == GOING)
            .group_by(event_attendees.c.event_id)
        )
        return {int(r.event_id): int(r.going) for r in rows}

    async def _upsert_attendee(self, event_id: int, member_id: int, values: dict[str, Any]) -> None:
        # The service holds the event's row lock, so no other writer races this pair.
        where = and_(
            event_attendees.c.event_id == event_id, event_attendees.c.member_id == member_id
        )
        result = await self._exec(update(event_attendees).where(where).values(**values))
        if result.rowcount == 0:
            await self._exec(
                insert(event_attendees).values(event_id=event_id, member_id=member_id, **values)
            )

    async def set_rsvp(self, event_id: int, member_id: int, rsvp: str, now: datetime) -> None:
        await self._upsert_attendee(event_id, member_id, {"rsvp": rsvp, "rsvp_at": now})

    async def check_in(self, event_id: int, member_id: int, by: int, now: datetime) -> None:
        await self._upsert_attendee(
            event_id, member_id, {"checked_in_at": now, "checked_in_by": by}
        )

    async def ballots(self, event_id: int) -> list[Ballot]:
        rows = await self._exec(
            select(review_ballots)
            .where(review_ballots.c.event_id == event_id)
            .order_by(review_ballots.c.cast_at, review_ballots.c.member_id)
        )
        return [
            Ballot(
                member_id=int(r.member_id),
                at_level=r.at_level,
                cast_at=r.cast_at,
                rating=r.rating,
                comment=r.comment,
            )
            for r in rows
        ]

    async def put_ballot(self, event_id: int, ballot: Ballot, via: str) -> None:
        values = {
            "at_level": ballot.at_level,
            "rating": ballot.rating,
            "comment": ballot.comment,
            "cast_at": ballot.cast_at,
            "via": via,
        }
        result = await self._exec(
            update(review_ballots)
            .where(
                review_ballots.c.event_id == event_id,
                review_ballots.c.member_id == ballot.member_id,
            )
            .values(**values)
        )
        if result.rowcount == 0:
            await self._exec(
                insert(review_ballots).values(
                    event_id=event_id, member_id=ballot.member_id, **values
                )
            )

    async def remove_ballot(self, event_id: int, member_id: int) -> None:
        await self._exec(
            delete(review_ballots).where(
                review_ballots.c.event_id == event_id, review_ballots.c.member_id == member_id
            )
        )

    async def standing(self, member_id: int, start: datetime, end: datetime) -> tuple[int, int]:
        # Both counts in one round trip: this runs on every `obligations`.
        row = (
            await self._exec(
                _STANDING,
                {
                    "member": member_id,
                    "start": start,
                    "end": end,
                    "validated": VALIDATED,
                },
            )
        ).one()
        return int(row.attended), int(row.hosted)

    async def circle_ids_of(self, member_id: int) -> list[int]:
        rows = await self._exec(
            select(circles_t.circle_seats.c.circle_id).where(
                circles_t.circle_seats.c.member_id == member_id,
                circles_t.circle_seats.c.waiting.is_(False),
            )
        )
        return [int(r.circle_id) for r in rows]

    async def joined(self, community_id: int) -> list[tuple[int, datetime]]:
        rows = await self._exec(
            select(members_t.members.c.id, members_t.members.c.joined_at)
            .where(
                members_t.members.c.community_id == community_id,
                members_t.members.c.merged_into.is_(None),
            )
            .order_by(members_t.members.c.id)
        )
        return [(int(r.id), r.joined_at) for r in rows]
