"""Events, attendance, ballots and due jobs, with explicit row <-> model mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, insert, or_, select, update

from bot.model.events import GOING, VALIDATED, Attendee, Event
from bot.model.reviews import Ballot
from bot.ports import Community, Duplicate, Job
from storage import tables as t
from storage.repositories import Repository
from storage.tables_events import event_attendees, event_hosts, events, jobs, review_ballots


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
            events.c.ends_at > after,
            events.c.status == "scheduled",
        )
        if circle_ids is not None:
            query = query.where(events.c.circle_id.in_(list(circle_ids)))
        rows = await self._exec(query.order_by(events.c.starts_at, events.c.id).limit(limit))
        return [_event(r) for r in rows]

    async def following(self, series_id: int, occurrence: int) -> list[Event]:
        rows = await self._exec(
            select(events)
            .where(events.c.series_id == series_id, events.c.occurrence >= occurrence)
            .order_by(events.c.occurrence)
        )
        return [_event(r) for r in rows]

    async def hosts(self, event_id: int) -> list[tuple[int, str]]:
        rows = await self._exec(
            select(event_hosts.c.member_id, t.members.c.display_name)
            .join(t.members, t.members.c.id == event_hosts.c.member_id)
            .where(event_hosts.c.event_id == event_id)
            .order_by(t.members.c.display_name, t.members.c.id)
        )
        return [(int(r.member_id), r.display_name) for r in rows]

    async def add_hosts(self, event_id: int, member_ids: Sequence[int]) -> None:
        await self._exec(
            insert(event_hosts), [{"event_id": event_id, "member_id": m} for m in member_ids]
        )

    async def attendees(self, event_id: int) -> list[Attendee]:
        rows = await self._exec(
            select(event_attendees, t.members.c.display_name)
            .join(t.members, t.members.c.id == event_attendees.c.member_id)
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
        counted = and_(
            events.c.status == VALIDATED,
            events.c.counts.is_(True),
            events.c.starts_at >= start,
            events.c.starts_at < end,
        )
        hosted_here = select(event_hosts.c.event_id).where(event_hosts.c.member_id == member_id)
        attended = (
            select(func.count())
            .select_from(event_attendees)
            .join(events, events.c.id == event_attendees.c.event_id)
            .where(
                event_attendees.c.member_id == member_id,
                event_attendees.c.checked_in_at.is_not(None),
                counted,
                # Hosts provide the event; their own event is not attendance.
                events.c.id.not_in(hosted_here),
            )
            .scalar_subquery()
        )
        hosted = (
            select(func.count())
            .select_from(event_hosts)
            .join(events, events.c.id == event_hosts.c.event_id)
            .where(event_hosts.c.member_id == member_id, counted)
            .scalar_subquery()
        )
        # Both counts in one round trip: this runs on every `obligations`.
        row = (await self._exec(select(attended.label("attended"), hosted.label("hosted")))).one()
        return int(row.attended), int(row.hosted)

    async def circle_ids_of(self, member_id: int) -> list[int]:
        rows = await self._exec(
            select(t.circle_seats.c.circle_id).where(
                t.circle_seats.c.member_id == member_id, t.circle_seats.c.waiting.is_(False)
            )
        )
        return [int(r.circle_id) for r in rows]

    async def joined(self, community_id: int) -> list[tuple[int, datetime]]:
        rows = await self._exec(
            select(t.members.c.id, t.members.c.joined_at)
            .where(t.members.c.community_id == community_id, t.members.c.merged_into.is_(None))
            .order_by(t.members.c.id)
        )
        return [(int(r.id), r.joined_at) for r in rows]


def _job(row: Row[Any]) -> Job:
    return Job(
        id=int(row.id),
        community_id=int(row.community_id),
        kind=row.kind,
        due_at=row.due_at,
        payload=row.payload,
        attempts=int(row.attempts),
        ref=row.ref,
        ran_at=row.ran_at,
        outbox=row.outbox,
    )


class SqlJobs(Repository):
    async def add(
        self,
        community_id: int,
        kind: str,
        due_at: datetime,
        payload: Mapping[str, Any],
        now: datetime,
        *,
        ref: str | None = None,
        unique_key: str | None = None,
    ) -> int | None:
        statement = (
            insert(jobs)
            .values(
                community_id=community_id,
                kind=kind,
                ref=ref,
                unique_key=unique_key,
                due_at=due_at,
                payload=dict(payload),
                attempts=0,
                created_at=now,
            )
            .returning(jobs.c.id)
        )
        if unique_key is None:
            return int((await self._exec(statement)).scalar_one())
        try:
            # A savepoint, so a clash leaves the caller's transaction usable.
            async with self.conn.begin_nested():
                return int((await self._exec(statement)).scalar_one())
        except Duplicate:
            return None

    async def drop_pending(self, community_id: int, ref: str) -> int:
        result = await self._exec(
            delete(jobs).where(
                jobs.c.community_id == community_id, jobs.c.ref == ref, jobs.c.ran_at.is_(None)
            )
        )
        return int(result.rowcount)

    async def claim(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Job]:
        free = or_(jobs.c.lease_until.is_(None), jobs.c.lease_until <= now)
        due = (
            select(jobs.c.id)
            .where(jobs.c.done_at.is_(None), jobs.c.due_at <= now, free)
            .order_by(jobs.c.due_at, jobs.c.id)
            .limit(limit)
        )
        if not self.sqlite:
            # Rows another runner is claiming right now are skipped, not waited for.
            # The ids are read first: inside `UPDATE ... WHERE id IN (...)` PostgreSQL may
            # run this subquery once per row and claim far more than `limit`.
            due = due.with_for_update(skip_locked=True)
        ids = [int(r.id) for r in await self._exec(due)]
        if not ids:
            return []
        # The lease test is repeated on the rows themselves: on SQLite this guarded
        # update, under the write lock, is what keeps two processes from one job.
        result = await self._exec(
            update(jobs)
            .where(jobs.c.id.in_(ids), jobs.c.done_at.is_(None), free)
            .values(lease_owner=owner, lease_until=lease_until, attempts=jobs.c.attempts + 1)
            .returning(*jobs.c)
        )
        return sorted((_job(r) for r in result), key=lambda j: (j.due_at, j.id))

    async def start_run(self, job_id: int, owner: str, now: datetime) -> bool:
        result = await self._exec(
            update(jobs)
            .where(
                jobs.c.id == job_id,
                jobs.c.lease_owner == owner,
                jobs.c.ran_at.is_(None),
                jobs.c.done_at.is_(None),
            )
            # The key is released first so the run may schedule the next job under it.
            .values(ran_at=now, unique_key=None)
        )
        return int(result.rowcount) == 1

    async def finish_run(
        self, job_id: int, now: datetime, outbox: Sequence[Mapping[str, Any]], *, done: bool
    ) -> None:
        await self._exec(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                outbox=[dict(n) for n in outbox],
                done_at=now if done else None,
                lease_until=None if done else jobs.c.lease_until,
            )
        )

    async def mark_done(self, job_id: int, owner: str, now: datetime) -> bool:
        result = await self._exec(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.lease_owner == owner, jobs.c.done_at.is_(None))
            .values(done_at=now, lease_until=None)
        )
        return int(result.rowcount) == 1

    async def retry(
        self,
        job_id: int,
        owner: str,
        due_at: datetime,
        error: str,
        *,
        outbox: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "due_at": due_at,
            "lease_owner": None,
            "lease_until": None,
            "last_error": error[:2000],
        }
        if outbox is not None:
            values["outbox"] = [dict(n) for n in outbox]
        await self._exec(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.lease_owner == owner, jobs.c.done_at.is_(None))
            .values(**values)
        )

    async def fail(self, job_id: int, owner: str, now: datetime, error: str) -> None:
        await self._exec(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.lease_owner == owner, jobs.c.done_at.is_(None))
            .values(
                done_at=now,
                failed_at=now,
                unique_key=None,
                lease_until=None,
                last_error=error[:2000],
            )
        )

    async def community(self, community_id: int) -> Community:
        row = (
            await self._exec(select(t.communities).where(t.communities.c.id == community_id))
        ).one()
        return Community(row.id, row.slug, row.name, row.created_at)
