"""Circles, their seats, waiting lists and places."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, case, delete, func, insert, select, update

from bot.model.circles import ARCHIVED, FORMING, Circle, Seat
from storage.repositories.base import Repository
from storage.tables import circles as circles_t
from storage.tables import members as members_t

_CIRCLE_BY_NAME = select(circles_t.circles).where(
    circles_t.circles.c.community_id == bindparam("community_id"),
    circles_t.circles.c.name == bindparam("name"),
)


_CIRCLE_BY_NAME_LOCKED = _CIRCLE_BY_NAME.with_for_update()


_CIRCLES = (
    select(circles_t.circles)
    .where(circles_t.circles.c.community_id == bindparam("community_id"))
    .order_by(circles_t.circles.c.name)
)


_SEATS = (
    select(
        circles_t.circle_seats,
        members_t.members.c.display_name,
        members_t.members.c.context,
        members_t.members.c.context_key,
    )
    .join(members_t.members, members_t.members.c.id == circles_t.circle_seats.c.member_id)
    .where(circles_t.circle_seats.c.circle_id == bindparam("circle_id"))
    .order_by(circles_t.circle_seats.c.since, circles_t.circle_seats.c.id)
)


_SEAT_COUNTS = (
    select(
        circles_t.circle_seats.c.circle_id,
        func.sum(case((circles_t.circle_seats.c.waiting.is_(False), 1), else_=0)).label("seated"),
        func.sum(case((circles_t.circle_seats.c.waiting.is_(True), 1), else_=0)).label("queued"),
    )
    .join(circles_t.circles, circles_t.circles.c.id == circles_t.circle_seats.c.circle_id)
    .where(circles_t.circles.c.community_id == bindparam("community_id"))
    .group_by(circles_t.circle_seats.c.circle_id)
)


# A circle and its seats in one statement: one row per seat, or one row of
# nulls after the circle's columns when it has none.
_CIRCLE_WITH_SEATS = (
    select(
        circles_t.circles,
        circles_t.circle_seats.c.id.label("seat_id"),
        circles_t.circle_seats.c.member_id,
        circles_t.circle_seats.c.lead,
        circles_t.circle_seats.c.waiting,
        circles_t.circle_seats.c.since,
        members_t.members.c.display_name,
        members_t.members.c.context,
        members_t.members.c.context_key,
    )
    .select_from(
        circles_t.circles.outerjoin(
            circles_t.circle_seats, circles_t.circle_seats.c.circle_id == circles_t.circles.c.id
        ).outerjoin(members_t.members, members_t.members.c.id == circles_t.circle_seats.c.member_id)
    )
    .where(
        circles_t.circles.c.community_id == bindparam("community_id"),
        circles_t.circles.c.name == bindparam("name"),
    )
    .order_by(circles_t.circle_seats.c.since, circles_t.circle_seats.c.id)
)


# One page of the circles that are not archived, in name order (the community's
# unique name index gives the order); only then are the seats of the page's
# circles counted, each through the seats' own index.
_PAGE = (
    select(circles_t.circles)
    .where(
        circles_t.circles.c.community_id == bindparam("community_id"),
        circles_t.circles.c.status != bindparam("archived"),
    )
    .order_by(circles_t.circles.c.name)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    .subquery("page")
)


def _seats_of_page(waiting: bool) -> Any:
    return (
        select(func.count())
        .where(
            circles_t.circle_seats.c.circle_id == _PAGE.c.id,
            circles_t.circle_seats.c.waiting.is_(waiting),
        )
        .scalar_subquery()
    )


_LISTED = select(
    _PAGE, _seats_of_page(False).label("seated"), _seats_of_page(True).label("queued")
).order_by(_PAGE.c.name)


_ADD_SEAT = insert(circles_t.circle_seats)


_SEAT_WHERE = and_(
    circles_t.circle_seats.c.circle_id == bindparam("b_circle_id"),
    circles_t.circle_seats.c.member_id == bindparam("b_member_id"),
)


_UPDATE_SEAT = update(circles_t.circle_seats).where(_SEAT_WHERE)


_REMOVE_SEAT = delete(circles_t.circle_seats).where(_SEAT_WHERE)


def _circle(row: Row[Any]) -> Circle:
    return Circle(
        id=row.id,
        community_id=row.community_id,
        number=row.number,
        name=row.name,
        topic=row.topic,
        size=row.size,
        status=row.status,
        created_at=row.created_at,
        description=row.description,
    )


def _seat(row: Row[Any], order: int) -> Seat:
    return Seat(
        order=order,
        member_id=row.member_id,
        display_name=row.display_name,
        context_key=row.context_key,
        context=row.context,
        lead=row.lead,
        waiting=row.waiting,
        since=row.since,
    )


class SqlCircles(Repository):
    async def by_name(self, community_id: int, name: str, *, lock: bool = False) -> Circle | None:
        # SQLite's BEGIN IMMEDIATE already serialises writers.
        query = _CIRCLE_BY_NAME_LOCKED if lock and not self.sqlite else _CIRCLE_BY_NAME
        row = (await self._exec(query, {"community_id": community_id, "name": name})).first()
        return _circle(row) if row else None

    async def get(self, circle_id: int) -> Circle:
        row = (
            await self._exec(select(circles_t.circles).where(circles_t.circles.c.id == circle_id))
        ).one()
        return _circle(row)

    async def create(
        self, community_id: int, number: int, name: str, topic: str, size: int, now: datetime
    ) -> Circle:
        result = await self._exec(
            insert(circles_t.circles)
            .values(
                community_id=community_id,
                number=number,
                name=name,
                topic=topic,
                size=size,
                status=FORMING,
                created_at=now,
                description="",
            )
            .returning(circles_t.circles.c.id)
        )
        return Circle(
            int(result.scalar_one()), community_id, number, name, topic, size, FORMING, now
        )

    async def all(self, community_id: int) -> list[Circle]:
        rows = await self._exec(_CIRCLES, {"community_id": community_id})
        return [_circle(r) for r in rows]

    async def seats(self, circle_id: int) -> list[Seat]:
        rows = await self._exec(_SEATS, {"circle_id": circle_id})
        return [_seat(r, r.id) for r in rows]

    async def with_seats(
        self, community_id: int, name: str, *, lock: bool = False
    ) -> tuple[Circle, list[Seat]] | None:
        if lock and not self.sqlite:
            # PostgreSQL re-reads only the locked row after waiting for its lock, not
            # the rows joined to it: the seats are read after the lock is held.
            circle = await self.by_name(community_id, name, lock=True)
            return None if circle is None else (circle, await self.seats(circle.id))
        # SQLite's BEGIN IMMEDIATE already serialises writers.
        rows = (
            await self._exec(_CIRCLE_WITH_SEATS, {"community_id": community_id, "name": name})
        ).all()
        if not rows:
            return None
        seats = [_seat(r, r.seat_id) for r in rows if r.seat_id is not None]
        return _circle(rows[0]), seats

    async def listed(
        self, community_id: int, offset: int, limit: int
    ) -> list[tuple[Circle, int, int]]:
        rows = await self._exec(
            _LISTED,
            {
                "community_id": community_id,
                "archived": ARCHIVED,
                "offset": offset,
                "limit": limit,
            },
        )
        return [(_circle(r), int(r.seated), int(r.queued)) for r in rows]

    async def seat_counts(self, community_id: int) -> dict[int, tuple[int, int]]:
        rows = await self._exec(_SEAT_COUNTS, {"community_id": community_id})
        return {r.circle_id: (int(r.seated), int(r.queued)) for r in rows}

    async def add_seat(
        self, circle_id: int, member_id: int, *, lead: bool, waiting: bool, now: datetime
    ) -> None:
        await self._exec(
            _ADD_SEAT,
            {
                "circle_id": circle_id,
                "member_id": member_id,
                "lead": lead,
                "waiting": waiting,
                "since": now,
            },
        )

    async def update_seat(
        self, circle_id: int, member_id: int, *, lead: bool, waiting: bool, now: datetime
    ) -> None:
        await self._exec(
            _UPDATE_SEAT,
            {
                "b_circle_id": circle_id,
                "b_member_id": member_id,
                "lead": lead,
                "waiting": waiting,
                "since": now,
            },
        )

    async def remove_seat(self, circle_id: int, member_id: int) -> None:
        await self._exec(_REMOVE_SEAT, {"b_circle_id": circle_id, "b_member_id": member_id})

    async def set_status(self, circle_id: int, status: str) -> None:
        await self._exec(
            update(circles_t.circles)
            .where(circles_t.circles.c.id == circle_id)
            .values(status=status)
        )

    async def set_place(self, circle_id: int, platform: str, external_id: str) -> None:
        where = and_(
            circles_t.circle_places.c.circle_id == circle_id,
            circles_t.circle_places.c.platform == platform,
        )
        await self._exec(delete(circles_t.circle_places).where(where))
        await self._exec(
            insert(circles_t.circle_places).values(
                circle_id=circle_id, platform=platform, external_id=external_id
            )
        )

    async def places(self, circle_id: int) -> list[tuple[str, str]]:
        rows = await self._exec(
            select(circles_t.circle_places.c.platform, circles_t.circle_places.c.external_id).where(
                circles_t.circle_places.c.circle_id == circle_id
            )
        )
        return [(r.platform, r.external_id) for r in rows]
