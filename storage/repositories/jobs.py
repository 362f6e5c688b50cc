"""Due work as rows, claimed under a lease."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, or_, select, update

from bot.ports.communities import Community
from bot.ports.jobs import Job
from bot.ports.unit_of_work import Duplicate
from storage.repositories.base import Repository
from storage.tables import communities as communities_t
from storage.tables.jobs import jobs


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
            .where(
                jobs.c.id == job_id,
                jobs.c.lease_owner == owner,
                jobs.c.done_at.is_(None),
            )
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
            await self._exec(
                select(communities_t.communities).where(
                    communities_t.communities.c.id == community_id
                )
            )
        ).one()
        return Community(row.id, row.slug, row.name, row.created_at)
