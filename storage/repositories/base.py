"""The core's ports, implemented with explicit row <-> model mapping."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, case, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from bot.model.circles import FORMING, Circle, Seat
from bot.model.members import Member, context_key
from bot.ports.commands import CommandStart, StoredCommand
from bot.ports.communities import Community
from bot.ports.unit_of_work import Duplicate, Retry
from bot.replies import Anchor
from storage import tables as t

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}

# Statements every command runs, built once: building and cache-keying a
# statement costs more than running it on a small table.
_MEMBER_BY_IDENTITY = (
    select(t.members)
    .join(t.identities, t.identities.c.member_id == t.members.c.id)
    .where(
        t.identities.c.community_id == bindparam("community_id"),
        t.identities.c.platform == bindparam("platform"),
        t.identities.c.external_id == bindparam("external_id"),
    )
)
_SETTINGS = select(t.settings.c.name, t.settings.c.value).where(
    t.settings.c.community_id == bindparam("community_id")
)
_FIND_KEY = select(t.command_keys.c.reply, t.command_keys.c.command).where(
    t.command_keys.c.community_id == bindparam("community_id"),
    t.command_keys.c.key == bindparam("key"),
)
_RECORD_KEY = insert(t.command_keys)
# The command key, the speaker and the settings version in one statement: the
# community row is always there, the other two joined on when they exist.
_START = (
    select(
        t.communities.c.settings_version,
        t.command_keys.c.reply.label("stored_reply"),
        t.command_keys.c.command.label("stored_command"),
        *t.members.c,
    )
    .select_from(
        t.communities.outerjoin(
            t.command_keys,
            and_(
                t.command_keys.c.community_id == t.communities.c.id,
                t.command_keys.c.key == bindparam("key"),
            ),
        )
        .outerjoin(
            t.identities,
            and_(
                t.identities.c.community_id == t.communities.c.id,
                t.identities.c.platform == bindparam("platform"),
                t.identities.c.external_id == bindparam("external_id"),
            ),
        )
        .outerjoin(t.members, t.members.c.id == t.identities.c.member_id)
    )
    .where(t.communities.c.id == bindparam("community_id"))
)
_MEMBER_BY_ID = select(t.members).where(t.members.c.id == bindparam("member_id"))
# Parameters named after columns fill the SET clause.
_SAVE_MEMBER = update(t.members).where(t.members.c.id == bindparam("b_member_id"))
_IDENTITIES = (
    select(t.identities.c.platform, t.identities.c.external_id)
    .where(t.identities.c.member_id == bindparam("member_id"))
    .order_by(t.identities.c.id)
)
_CIRCLE_BY_NAME = select(t.circles).where(
    t.circles.c.community_id == bindparam("community_id"),
    t.circles.c.name == bindparam("name"),
)
_CIRCLE_BY_NAME_LOCKED = _CIRCLE_BY_NAME.with_for_update()
_CIRCLES = (
    select(t.circles)
    .where(t.circles.c.community_id == bindparam("community_id"))
    .order_by(t.circles.c.name)
)
_SEATS = (
    select(
        t.circle_seats,
        t.members.c.display_name,
        t.members.c.context,
        t.members.c.context_key,
    )
    .join(t.members, t.members.c.id == t.circle_seats.c.member_id)
    .where(t.circle_seats.c.circle_id == bindparam("circle_id"))
    .order_by(t.circle_seats.c.since, t.circle_seats.c.id)
)
_SEAT_COUNTS = (
    select(
        t.circle_seats.c.circle_id,
        func.sum(case((t.circle_seats.c.waiting.is_(False), 1), else_=0)).label("seated"),
        func.sum(case((t.circle_seats.c.waiting.is_(True), 1), else_=0)).label("queued"),
    )
    .join(t.circles, t.circles.c.id == t.circle_seats.c.circle_id)
    .where(t.circles.c.community_id == bindparam("community_id"))
    .group_by(t.circle_seats.c.circle_id)
)
# A circle and its seats in one statement: one row per seat, or one row of
# nulls after the circle's columns when it has none.
_CIRCLE_WITH_SEATS = (
    select(
        t.circles,
        t.circle_seats.c.id.label("seat_id"),
        t.circle_seats.c.member_id,
        t.circle_seats.c.lead,
        t.circle_seats.c.waiting,
        t.circle_seats.c.since,
        t.members.c.display_name,
        t.members.c.context,
        t.members.c.context_key,
    )
    .select_from(
        t.circles.outerjoin(t.circle_seats, t.circle_seats.c.circle_id == t.circles.c.id).outerjoin(
            t.members, t.members.c.id == t.circle_seats.c.member_id
        )
    )
    .where(
        t.circles.c.community_id == bindparam("community_id"),
        t.circles.c.name == bindparam("name"),
    )
    .order_by(t.circle_seats.c.since, t.circle_seats.c.id)
)
_CIRCLES_WITH_COUNTS = (
    select(
        t.circles,
        func.coalesce(func.sum(case((t.circle_seats.c.waiting.is_(False), 1), else_=0)), 0).label(
            "seated"
        ),
        func.coalesce(func.sum(case((t.circle_seats.c.waiting.is_(True), 1), else_=0)), 0).label(
            "queued"
        ),
    )
    .select_from(t.circles.outerjoin(t.circle_seats, t.circle_seats.c.circle_id == t.circles.c.id))
    .where(t.circles.c.community_id == bindparam("community_id"))
    .group_by(*t.circles.c)
    .order_by(t.circles.c.name)
)
_ADD_SEAT = insert(t.circle_seats)
_SEAT_WHERE = and_(
    t.circle_seats.c.circle_id == bindparam("b_circle_id"),
    t.circle_seats.c.member_id == bindparam("b_member_id"),
)
_UPDATE_SEAT = update(t.circle_seats).where(_SEAT_WHERE)
_REMOVE_SEAT = delete(t.circle_seats).where(_SEAT_WHERE)
_BUMP_SETTINGS = (
    update(t.communities)
    .where(t.communities.c.id == bindparam("community_id"))
    .values(settings_version=t.communities.c.settings_version + 1)
)
_AUDIT = insert(t.audit)


def _sqlstate(error: DBAPIError) -> str | None:
    orig = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if state:
            return str(state)
    return None


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"

    async def _exec(self, statement: Executable, params: Any = None) -> Any:
        try:
            return await self.conn.execute(statement, params)
        except IntegrityError as error:
            raise Duplicate(str(error.orig)) from error
        except DBAPIError as error:
            message = str(error.orig).lower()
            if _sqlstate(error) in _RETRYABLE_SQLSTATES or "database is locked" in message:
                raise Retry(message) from error
            raise

    def _for_update(self, statement: Any) -> Any:
        # SQLite's BEGIN IMMEDIATE already serialises writers.
        return statement if self.sqlite else statement.with_for_update()


class SqlCommunities(Repository):
    async def get_or_create(self, slug: str, name: str, now: datetime) -> Community:
        row = (await self._exec(select(t.communities).where(t.communities.c.slug == slug))).first()
        if row is None:
            try:
                async with self.conn.begin_nested():
                    await self._exec(
                        insert(t.communities).values(slug=slug, name=name, created_at=now)
                    )
            except Duplicate:
                pass  # created concurrently; read it below
            row = (
                await self._exec(select(t.communities).where(t.communities.c.slug == slug))
            ).one()
        return Community(row.id, row.slug, row.name, row.created_at)

    async def next_number(self, community_id: int) -> int:
        result = await self._exec(
            update(t.communities)
            .where(t.communities.c.id == community_id)
            .values(next_number=t.communities.c.next_number + 1)
            .returning(t.communities.c.next_number)
        )
        return int(result.scalar_one()) - 1


def _member(row: Row[Any]) -> Member:
    return Member(
        id=row.id,
        community_id=row.community_id,
        display_name=row.display_name,
        joined_at=row.joined_at,
        context=row.context,
        timezone=row.timezone,
        offers=row.offers,
        seeks=row.seeks,
        is_admin=row.is_admin,
        is_assessor=row.is_assessor,
        is_trustee=row.is_trustee,
    )


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())[:80]


class SqlMembers(Repository):
    async def by_identity(
        self, community_id: int, platform: str, external_id: str
    ) -> Member | None:
        params = {"community_id": community_id, "platform": platform, "external_id": external_id}
        row = (await self._exec(_MEMBER_BY_IDENTITY, params)).first()
        return _member(row) if row else None

    async def get(self, member_id: int) -> Member:
        row = (await self._exec(_MEMBER_BY_ID, {"member_id": member_id})).one()
        return _member(row)

    async def by_name(self, community_id: int, name: str) -> list[Member]:
        rows = await self._exec(
            select(t.members).where(
                t.members.c.community_id == community_id,
                t.members.c.name_key == _name_key(name),
                t.members.c.merged_into.is_(None),
            )
        )
        return [_member(r) for r in rows]

    async def create(
        self, community_id: int, display_name: str, now: datetime, *, admin: bool = False
    ) -> Member:
        result = await self._exec(
            insert(t.members)
            .values(
                community_id=community_id,
                display_name=display_name,
                name_key=_name_key(display_name),
                joined_at=now,
                is_admin=admin,
                is_assessor=False,
                is_trustee=False,
                offers="",
                seeks="",
            )
            .returning(t.members.c.id)
        )
        return Member(
            id=int(result.scalar_one()),
            community_id=community_id,
            display_name=display_name,
            joined_at=now,
            is_admin=admin,
        )

    async def count(self, community_id: int) -> int:
        result = await self._exec(
            select(func.count()).where(t.members.c.community_id == community_id)
        )
        return int(result.scalar_one())

    async def count_admins(self, community_id: int) -> int:
        result = await self._exec(
            select(func.count()).where(
                t.members.c.community_id == community_id, t.members.c.is_admin.is_(True)
            )
        )
        return int(result.scalar_one())

    async def save(self, member: Member) -> None:
        await self._exec(
            _SAVE_MEMBER,
            {
                "b_member_id": member.id,
                "display_name": member.display_name,
                "name_key": _name_key(member.display_name),
                "context": member.context,
                "context_key": context_key(member.context),
                "timezone": member.timezone,
                "offers": member.offers,
                "seeks": member.seeks,
                "is_admin": member.is_admin,
                "is_assessor": member.is_assessor,
                "is_trustee": member.is_trustee,
            },
        )

    async def add_identity(
        self, community_id: int, member_id: int, platform: str, external_id: str
    ) -> None:
        await self._exec(
            insert(t.identities).values(
                community_id=community_id,
                member_id=member_id,
                platform=platform,
                external_id=external_id,
            )
        )

    async def identities(self, member_id: int) -> list[tuple[str, str]]:
        rows = await self._exec(_IDENTITIES, {"member_id": member_id})
        return [(r.platform, r.external_id) for r in rows]


class SqlProfiles(Repository):
    async def move_identity(
        self, community_id: int, platform: str, external_id: str, member_id: int
    ) -> None:
        await self._exec(
            update(t.identities)
            .where(
                t.identities.c.community_id == community_id,
                t.identities.c.platform == platform,
                t.identities.c.external_id == external_id,
            )
            .values(member_id=member_id)
        )

    async def merge_into(self, old_id: int, new_id: int) -> None:
        await self._exec(
            update(t.members).where(t.members.c.id == old_id).values(merged_into=new_id)
        )

    async def has_history(self, member_id: int) -> bool:
        seats = await self._exec(
            select(func.count()).where(t.circle_seats.c.member_id == member_id)
        )
        member = await SqlMembers(self.conn).get(member_id)
        return int(seats.scalar_one()) > 0 or bool(member.roles())

    async def put_link_code(
        self, community_id: int, member_id: int, code: str, expires_at: datetime
    ) -> None:
        await self._exec(
            insert(t.link_codes).values(
                community_id=community_id, code=code, member_id=member_id, expires_at=expires_at
            )
        )

    async def take_link_code(self, community_id: int, code: str, now: datetime) -> int | None:
        where = and_(t.link_codes.c.community_id == community_id, t.link_codes.c.code == code)
        row = (await self._exec(select(t.link_codes).where(where))).first()
        await self._exec(delete(t.link_codes).where(where))
        if row is None or row.expires_at <= now:
            return None
        return int(row.member_id)


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
        row = (await self._exec(select(t.circles).where(t.circles.c.id == circle_id))).one()
        return _circle(row)

    async def create(
        self, community_id: int, number: int, name: str, topic: str, size: int, now: datetime
    ) -> Circle:
        result = await self._exec(
            insert(t.circles)
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
            .returning(t.circles.c.id)
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

    async def all_with_counts(self, community_id: int) -> list[tuple[Circle, int, int]]:
        rows = await self._exec(_CIRCLES_WITH_COUNTS, {"community_id": community_id})
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
        await self._exec(update(t.circles).where(t.circles.c.id == circle_id).values(status=status))

    async def set_place(self, circle_id: int, platform: str, external_id: str) -> None:
        where = and_(
            t.circle_places.c.circle_id == circle_id, t.circle_places.c.platform == platform
        )
        await self._exec(delete(t.circle_places).where(where))
        await self._exec(
            insert(t.circle_places).values(
                circle_id=circle_id, platform=platform, external_id=external_id
            )
        )

    async def places(self, circle_id: int) -> list[tuple[str, str]]:
        rows = await self._exec(
            select(t.circle_places.c.platform, t.circle_places.c.external_id).where(
                t.circle_places.c.circle_id == circle_id
            )
        )
        return [(r.platform, r.external_id) for r in rows]


class SqlSettings(Repository):
    async def stored(self, community_id: int) -> dict[str, Any]:
        rows = await self._exec(_SETTINGS, {"community_id": community_id})
        return {r.name: r.value for r in rows}

    async def put(self, community_id: int, name: str, value: Any) -> None:
        where = and_(t.settings.c.community_id == community_id, t.settings.c.name == name)
        await self._exec(delete(t.settings).where(where))
        await self._exec(
            insert(t.settings).values(community_id=community_id, name=name, value=value)
        )
        await self._exec(_BUMP_SETTINGS, {"community_id": community_id})


class SqlCommandLog(Repository):
    async def find(self, community_id: int, key: str) -> StoredCommand | None:
        row = (await self._exec(_FIND_KEY, {"community_id": community_id, "key": key})).first()
        return StoredCommand(row.reply, row.command) if row else None

    async def start(
        self, community_id: int, key: str, platform: str, external_id: str
    ) -> CommandStart:
        params = {
            "community_id": community_id,
            "key": key,
            "platform": platform,
            "external_id": external_id,
        }
        row = (await self._exec(_START, params)).one()
        found = row.stored_command is not None
        return CommandStart(
            stored=StoredCommand(row.stored_reply, row.stored_command) if found else None,
            member=_member(row) if row.id is not None else None,
            settings_version=int(row.settings_version),
        )

    async def record(
        self,
        community_id: int,
        key: str,
        command: str,
        member_id: int | None,
        reply: Mapping[str, Any],
        now: datetime,
    ) -> None:
        await self._exec(
            _RECORD_KEY,
            {
                "community_id": community_id,
                "key": key,
                "command": command,
                "member_id": member_id,
                "reply": dict(reply),
                "at": now,
            },
        )

    async def audit(
        self,
        community_id: int,
        member_id: int | None,
        command: str,
        key: str,
        details: Mapping[str, Any],
        now: datetime,
    ) -> None:
        await self._exec(
            _AUDIT,
            {
                "community_id": community_id,
                "at": now,
                "member_id": member_id,
                "command": command,
                "key": key,
                "details": dict(details),
            },
        )


class SqlPosts(Repository):
    async def record(
        self, community_id: int, platform: str, external_id: str, anchor: Anchor
    ) -> None:
        # The newest message with an id is the one people react to: the console
        # numbers its messages afresh in every run on the same database.
        await self._exec(
            delete(t.posts).where(
                t.posts.c.community_id == community_id,
                t.posts.c.platform == platform,
                t.posts.c.external_id == external_id,
            )
        )
        await self._exec(
            insert(t.posts).values(
                community_id=community_id,
                platform=platform,
                external_id=external_id,
                kind=anchor.kind,
                object_id=anchor.object_id,
            )
        )

    async def find(self, community_id: int, platform: str, external_id: str) -> Anchor | None:
        row = (
            await self._exec(
                select(t.posts.c.kind, t.posts.c.object_id).where(
                    t.posts.c.community_id == community_id,
                    t.posts.c.platform == platform,
                    t.posts.c.external_id == external_id,
                )
            )
        ).first()
        return Anchor(row.kind, int(row.object_id)) if row else None
