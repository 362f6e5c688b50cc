"""Due work: reminders, opening and closing reviews, nudges.

Each job is a row with a kind, a due time and a payload. A runner claims due jobs
under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, a lease-guarded update on
SQLite), so several bot processes on one database share the work. A job's effects
commit in the same transaction that marks it as run, so it runs exactly once; the
notices it produced are kept on the row until they are delivered, and a failed
delivery is retried with backoff without running the job again. Delivery is
recorded per recipient: `deliver` returns what did not go (a DM that timed out,
addresses another process serves), only that is kept, and a retry sends only that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.commands import Catalogue
from bot.model.settings import Settings
from bot.ports.clock import Clock
from bot.ports.communities import Community
from bot.ports.jobs import Job
from bot.ports.unit_of_work import Retry, Unavailable, UnitOfWork, UnitOfWorkFactory
from bot.replies import Address, Notice, Reply

log = logging.getLogger(__name__)


class Host(Protocol):
    """What due work run outside a job needs of the core that runs it."""

    @property
    def uow_factory(self) -> UnitOfWorkFactory: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def defaults(self) -> dict[str, Any]: ...

    @property
    def catalogue(self) -> Catalogue: ...


# Sends notices; returns those (narrowed to their addresses) that did not go, or
# None when everything went. Raising means none of them is known to have gone.
Deliver = Callable[[Sequence[Notice]], Awaitable[Sequence[Notice] | None]]
Sweep = Callable[[Host], Awaitable[list[Notice]]]
ListDue = Callable[[UnitOfWork, datetime], Awaitable[Sequence[tuple[int, int]]]]
SettleOne = Callable[[Host, int, int, datetime], Awaitable[list[Notice] | None]]


async def sweep(core: Host, list_due: ListDue, settle_one: SettleOne) -> list[Notice]:
    """Settle every row that fell due, each in its own unit of work.

    `list_due` names (community id, row id) pairs; `settle_one` locks its row
    (skipping rows another process holds), re-checks that it is still due, and
    returns None when there was nothing left to do, so two processes never settle
    one row twice and a pass ends once only others' rows remain."""
    notices: list[Notice] = []
    now = core.clock.now()
    while True:
        async with core.uow_factory() as uow:
            due = await list_due(uow, now)
        if not due:
            return notices
        progressed = False
        for community_id, row_id in due:
            found = await settle_one(core, community_id, row_id, now)
            if found is not None:
                notices.extend(found)
                progressed = True
        if not progressed:
            return notices


class Scope(Protocol):
    """What rules shared by commands and jobs need: a command's Ctx or a job's JobCtx."""

    @property
    def uow(self) -> UnitOfWork: ...

    @property
    def now(self) -> datetime: ...

    @property
    def community(self) -> Community: ...

    @property
    def settings(self) -> Settings: ...

    def tell_member(self, member_id: int, reply: Reply) -> None: ...

    def tell_circle(self, circle_id: int, reply: Reply) -> None: ...


@dataclass
class JobCtx:
    uow: UnitOfWork
    now: datetime
    community: Community
    settings: Settings
    job: Job
    notices: list[Notice] = field(default_factory=list)

    def tell_member(self, member_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, member_id=member_id, community=self.community.slug))

    def tell_circle(self, circle_id: int, reply: Reply) -> None:
        self.notices.append(Notice(reply, circle_id=circle_id, community=self.community.slug))


JobHandler = Callable[[JobCtx, Mapping[str, Any]], Awaitable[None]]


async def schedule(
    scope: Scope,
    kind: str,
    due_at: datetime,
    payload: Mapping[str, Any],
    *,
    ref: str | None = None,
    unique_key: str | None = None,
) -> int | None:
    """Add a job in the caller's transaction: it exists only if the caller commits."""
    return await scope.uow.jobs.add(
        scope.community.id, kind, due_at, payload, scope.now, ref=ref, unique_key=unique_key
    )


async def address(uow: UnitOfWork, timezone: str, notice: Notice, community: str) -> Notice:
    """Where a notice goes: the member's identities (in their zone, else `timezone`,
    the community's), or the circle's places, all of them in `community`, the
    slug of the community it was said in."""
    addresses: list[Address] = []
    if notice.member_id is not None:
        reader = await uow.members.get(notice.member_id)
        tz = reader.timezone or timezone
        for platform, external_id in await uow.members.identities(notice.member_id):
            addresses.append(Address(platform, "member", external_id, tz))
    if notice.circle_id is not None:
        for platform, external_id in await uow.circles.places(notice.circle_id):
            addresses.append(Address(platform, "place", external_id, timezone))
    return replace(notice, addresses=tuple(addresses), community=community)


def notice_to_json(notice: Notice) -> dict[str, Any]:
    return {
        "reply": notice.reply.to_json(),
        "member_id": notice.member_id,
        "circle_id": notice.circle_id,
        "addresses": [[a.platform, a.kind, a.external_id, a.timezone] for a in notice.addresses],
        "community": notice.community,
    }


def notice_from_json(data: Mapping[str, Any]) -> Notice:
    return Notice(
        Reply.from_json(data["reply"]),
        data.get("member_id"),
        data.get("circle_id"),
        tuple(Address(*a) for a in data.get("addresses", [])),
        data.get("community"),
    )


def _owner() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


class JobRunner:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        handlers: Mapping[str, JobHandler],
        *,
        defaults: Mapping[str, Any] | None = None,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=5),
        batch: int = 25,
        max_attempts: int = 10,
        backoff: timedelta = timedelta(seconds=30),
        max_backoff: timedelta = timedelta(hours=1),
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.handlers = dict(handlers)
        self.defaults = dict(defaults or {})
        self.owner = owner or _owner()
        self.lease = lease
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sweeps: list[tuple[Host, Sweep]] = []

    def add_sweeps(self, core: Host, sweeps: Sequence[Sweep]) -> None:
        """Due work that keeps its own due times in its own rows (escrow expiry,
        auction ends), run on every pass so every loop and `:advance` sees it."""
        self._sweeps.extend((core, sweep) for sweep in sweeps)

    async def due_work(self, core: Host) -> list[Notice]:
        """The runner as the core's due work: notices go back to the caller to deliver."""
        return await self.run_due()

    async def run_due(self, deliver: Deliver | None = None) -> list[Notice]:
        """Run every job due by the clock's now. Without `deliver`, the notices are
        returned and count as delivered; with it, a failed delivery is retried later."""
        collected: list[Notice] = []
        # Communities and their settings, read once per pass rather than once per job.
        known: dict[int, tuple[Community, Settings]] = {}
        while True:
            claimed = await self._claim()
            if not claimed:
                break
            for job in claimed:
                collected.extend(await self._process(job, deliver, known))
        for core, sweep in self._sweeps:
            notices = await sweep(core)
            if deliver is None:
                collected.extend(notices)
            elif notices:
                # A sweep's effects are committed already; its notices are sent
                # once, and a failure is logged rather than retried.
                try:
                    left = await deliver(notices)
                except Exception:
                    log.exception("delivering %d notices from a sweep failed", len(notices))
                else:
                    if left:
                        log.warning("%d notices from a sweep were not delivered", len(left))
        return collected

    async def run_forever(
        self, stop: asyncio.Event, deliver: Deliver, interval: float = 5.0
    ) -> None:
        """The loop inside a bot process; several processes may share one database."""
        down = False
        while not stop.is_set():
            try:
                await self.run_due(deliver)
                if down:
                    log.warning("the database is back; due jobs run again")
                down = False
            except Unavailable as error:
                # Said once per outage, not on every pass; the jobs wait in their rows.
                if not down:
                    log.warning("the database is unavailable (%s); due jobs wait for it", error)
                down = True
            except Exception:  # one bad pass must not stop the loop
                log.exception("a pass over due jobs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _claim(self) -> list[Job]:
        for _ in range(5):
            now = self.clock.now()
            try:
                async with self.uow_factory() as uow:
                    claimed = await uow.jobs.claim(self.owner, now, now + self.lease, self.batch)
                    await uow.commit()
                    return claimed
            except Retry:
                await asyncio.sleep(0.05)
        return []

    async def _process(
        self, job: Job, deliver: Deliver | None, known: dict[int, tuple[Community, Settings]]
    ) -> list[Notice]:
        if job.ran_at is None:
            ran = await self._run(job, known, settle=deliver is None)
            if ran is None:
                return []
            notices = ran
            if deliver is None:
                return notices  # marked done with its run: the caller delivers them
        else:
            notices = [notice_from_json(n) for n in job.outbox or []]
        if deliver is None:
            await self._done(job)
            return notices
        if notices:
            try:
                left = await deliver(notices)
            except Exception as error:  # whatever the platform raised, try again later
                await self._again(job, f"delivery failed: {error!r}")
                return []
            if left:
                # What went is not sent again: the row keeps only what is left.
                count = sum(len(n.addresses) for n in left)
                await self._again(
                    job,
                    f"{count} of its deliveries did not go",
                    outbox=[notice_to_json(n) for n in left],
                )
                return []
        await self._done(job)
        return []

    async def _done(self, job: Job) -> None:
        async with self.uow_factory() as uow:
            await uow.jobs.mark_done(job.id, self.owner, self.clock.now())
            await uow.commit()

    async def _run(
        self, job: Job, known: dict[int, tuple[Community, Settings]], *, settle: bool
    ) -> list[Notice] | None:
        """Run the job's handler; its notices, or None when it did not run."""
        handler = self.handlers.get(job.kind)
        now = self.clock.now()
        try:
            async with self.uow_factory() as uow:
                if handler is None:
                    await uow.jobs.fail(job.id, self.owner, now, f"no handler for {job.kind}")
                    await uow.commit()
                    log.error("job %d has unknown kind %r", job.id, job.kind)
                    return None
                if not await uow.jobs.start_run(job.id, self.owner, now):
                    return None  # another runner took it over, or its object dropped it
                if job.community_id not in known:
                    stored = await uow.settings.stored(job.community_id)
                    known[job.community_id] = (
                        await uow.jobs.community(job.community_id),
                        Settings(self.defaults, stored),
                    )
                community, settings = known[job.community_id]
                ctx = JobCtx(uow, now, community, settings, job)
                await handler(ctx, job.payload)
                notices = [
                    await address(uow, settings.timezone, n, community.slug) for n in ctx.notices
                ]
                await uow.jobs.finish_run(
                    job.id, now, [notice_to_json(n) for n in notices], done=settle or not notices
                )
                await uow.commit()
                return notices
        except Exception as error:  # the job's work was rolled back; try it again later
            log.warning("job %d (%s) failed: %r", job.id, job.kind, error)
            await self._again(job, repr(error))
            return None

    async def _again(
        self, job: Job, error: str, *, outbox: Sequence[Mapping[str, Any]] | None = None
    ) -> None:
        now = self.clock.now()
        try:
            async with self.uow_factory() as uow:
                if job.attempts >= self.max_attempts:
                    log.error(
                        "job %d (%s) gave up after %d attempts", job.id, job.kind, job.attempts
                    )
                    await uow.jobs.fail(job.id, self.owner, now, error)
                else:
                    await uow.jobs.retry(
                        job.id, self.owner, now + self.delay(job.attempts), error, outbox=outbox
                    )
                await uow.commit()
        except Exception:  # the lease runs out and another pass takes the job up again
            log.exception("job %d (%s) could not be rescheduled", job.id, job.kind)

    def delay(self, attempts: int) -> timedelta:
        """Backoff before the next attempt: doubling from `backoff`, at most `max_backoff`."""
        grown: timedelta = self.backoff * (2 ** max(0, attempts - 1))
        return min(grown, self.max_backoff)
