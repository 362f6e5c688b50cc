"""The due job runner: exactly once across runners, restarts, retries with backoff."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import timedelta
from typing import Any, cast

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.app import App
from bot.clock import ManualClock
from bot.jobs import JobCtx, JobHandler, JobRunner
from bot.replies import Notice, Reply
from storage.engine import make_engine
from storage.tables.jobs import jobs
from storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.support import START, Community, pg_url

KIND = "test.count"


@pytest.fixture
async def second_engine(app: App) -> AsyncIterator[AsyncEngine]:
    """Another engine on the same database, as a second bot process would have."""
    if app.engine.dialect.name == "sqlite":
        engine = make_engine(str(app.engine.url.database))
    else:
        async with app.engine.connect() as conn:
            schema = (await conn.execute(text("select current_schema()"))).scalar_one()
        engine = make_engine(pg_url(), schema=schema)
    yield engine
    await engine.dispose()


async def scratch_table(engine: AsyncEngine) -> None:
    # No unique key on purpose: a job run twice would show as two rows.
    async with engine.begin() as conn:
        await conn.execute(
            text("create table job_runs (job_id bigint not null, runner varchar(64) not null)")
        )


def counting(runner: str, seen: list[tuple[str, int]]) -> JobHandler:
    async def handler(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
        seen.append((runner, ctx.job.id))
        connection = cast(SqlUnitOfWork, ctx.uow).connection
        await connection.execute(
            text("insert into job_runs (job_id, runner) values (:job, :runner)"),
            {"job": ctx.job.id, "runner": runner},
        )

    return handler


async def add_jobs(engine: AsyncEngine, count: int, **options: Any) -> list[int]:
    async with SqlUnitOfWork(engine) as uow:
        community = await uow.communities.get_or_create("jobs", "jobs", START)
        ids = []
        for index in range(count):
            added = await uow.jobs.add(
                community.id, KIND, START, {"index": index}, START, **options
            )
            assert added is not None
            ids.append(added)
        await uow.commit()
    return ids


def runner(
    engine: AsyncEngine, clock: ManualClock, handler: JobHandler, **options: Any
) -> JobRunner:
    return JobRunner(SqlUnitOfWorkFactory(engine), clock, {KIND: handler}, **options)


async def job_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(jobs).order_by(jobs.c.id))).all())


async def run_rows(engine: AsyncEngine) -> list[tuple[int, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("select job_id, runner from job_runs"))
        return [(int(r.job_id), r.runner) for r in rows]


@pytest.mark.slow
async def test_two_runners_run_every_job_exactly_once(app: App, second_engine: AsyncEngine) -> None:
    await scratch_table(app.engine)
    ids = await add_jobs(app.engine, 1000)
    clock = ManualClock(START)
    seen: list[tuple[str, int]] = []
    one = runner(app.engine, clock, counting("one", seen), batch=10)
    two = runner(second_engine, clock, counting("two", seen), batch=10)
    await asyncio.gather(one.run_due(), two.run_due())

    ran = await run_rows(app.engine)
    assert sorted(job for job, _ in ran) == ids  # every job once: none twice, none lost
    assert len(seen) == 1000  # no handler even started a second time
    rows = await job_rows(app.engine)
    assert all(r.done_at is not None and r.failed_at is None for r in rows)
    assert {r.attempts for r in rows} == {1}
    shares = {name: sum(1 for _, who in ran if who == name) for name in ("one", "two")}
    print(f"\nexactly once on {app.engine.dialect.name}: {shares}")


async def test_claims_take_at_most_a_batch_and_never_the_same_job(
    app: App, second_engine: AsyncEngine
) -> None:
    ids = await add_jobs(app.engine, 30)
    lease = START + timedelta(minutes=5)
    if app.engine.dialect.name == "sqlite":
        # One writer at a time: the second claim sees the first one's leases.
        async with SqlUnitOfWork(app.engine) as uow:
            first = await uow.jobs.claim("a", START, lease, 10)
            await uow.commit()
        async with SqlUnitOfWork(second_engine) as other:
            second = await other.jobs.claim("b", START, lease, 10)
            await other.commit()
    else:
        # The first claim is still uncommitted: the second skips its locked rows.
        async with SqlUnitOfWork(app.engine) as uow, SqlUnitOfWork(second_engine) as other:
            first = await uow.jobs.claim("a", START, lease, 10)
            second = await other.jobs.claim("b", START, lease, 10)
            await other.commit()
            await uow.commit()
    assert len(first) == len(second) == 10
    assert not {j.id for j in first} & {j.id for j in second}
    assert {j.id for j in first} | {j.id for j in second} <= set(ids)
    assert {j.attempts for j in first + second} == {1}


async def test_a_claimed_job_of_a_dead_runner_runs_after_its_lease(app: App) -> None:
    await scratch_table(app.engine)
    (job_id,) = await add_jobs(app.engine, 1)
    clock = ManualClock(START)
    # A runner claims the job, then its process dies before running it.
    async with SqlUnitOfWork(app.engine) as uow:
        (claimed,) = await uow.jobs.claim("dead", START, START + timedelta(minutes=5), 10)
        await uow.commit()
    assert claimed.id == job_id
    seen: list[tuple[str, int]] = []
    survivor = runner(app.engine, clock, counting("survivor", seen))
    await survivor.run_due()
    assert seen == []  # the lease still holds
    clock.advance(timedelta(minutes=5))
    await survivor.run_due()
    assert seen == [("survivor", job_id)]
    assert await run_rows(app.engine) == [(job_id, "survivor")]
    # The dead runner's lease is gone: had it woken up, it could not mark the job as run.
    async with SqlUnitOfWork(app.engine) as uow:
        assert await uow.jobs.start_run(job_id, "dead", clock.now()) is False


async def test_jobs_wait_for_their_time_and_survive_a_restart(app: App) -> None:
    await scratch_table(app.engine)
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("jobs", "jobs", START)
        later = await uow.jobs.add(community.id, KIND, START + timedelta(hours=1), {}, START)
        await uow.commit()
    clock = ManualClock(START)
    seen: list[tuple[str, int]] = []
    await runner(app.engine, clock, counting("first", seen)).run_due()
    assert seen == []
    # A new process with a new runner finds the job in the database.
    clock.advance(timedelta(hours=1))
    await runner(app.engine, clock, counting("second", seen)).run_due()
    assert seen == [("second", later)]


async def test_a_failed_delivery_is_retried_with_backoff_without_rerunning(
    community: Community, app: App
) -> None:
    await community.ok("bob", "!profile show")
    async with SqlUnitOfWork(app.engine) as uow:
        found = await uow.communities.get_or_create("test", "test", START)
        (bob,) = await uow.members.by_name(found.id, "bob")
        job_id = await uow.jobs.add(found.id, KIND, START, {}, START)
        await uow.commit()
    ran: list[int] = []

    async def tell_bob(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
        ran.append(ctx.job.id)
        ctx.tell_member(bob.id, Reply("review.withdrawn", {"number": 7}))

    failures = 2
    delivered: list[Notice] = []

    async def flaky(notices: Sequence[Notice]) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionError("the platform is down")
        delivered.extend(notices)

    clock = ManualClock(START)
    jobs_runner = runner(app.engine, clock, tell_bob, backoff=timedelta(seconds=30))
    await jobs_runner.run_due(flaky)
    (row,) = await job_rows(app.engine)
    assert row.ran_at == START and row.done_at is None
    assert row.due_at == START + timedelta(seconds=30)
    assert "the platform is down" in row.last_error
    await jobs_runner.run_due(flaky)  # not due yet
    clock.advance(timedelta(seconds=30))
    await jobs_runner.run_due(flaky)
    (row,) = await job_rows(app.engine)
    assert row.due_at == START + timedelta(seconds=90)  # the wait doubles
    clock.advance(timedelta(seconds=60))
    await jobs_runner.run_due(flaky)
    assert ran == [job_id]  # the job itself ran once
    (notice,) = delivered
    assert notice.member_id == bob.id
    assert [(a.kind, a.external_id) for a in notice.addresses] == [("member", "bob")]
    (row,) = await job_rows(app.engine)
    assert row.done_at == clock.now() and row.attempts == 3


async def test_a_retry_delivers_only_what_did_not_go_and_the_notices_keep_their_community(
    community: Community, app: App
) -> None:
    for name in ("bob", "carol", "dave"):
        await community.ok(name, "!profile show")
    async with SqlUnitOfWork(app.engine) as uow:
        found = await uow.communities.get_or_create("test", "test", START)
        members = [(await uow.members.by_name(found.id, n))[0] for n in ("bob", "carol", "dave")]
        await uow.jobs.add(found.id, KIND, START, {}, START)
        await uow.commit()

    async def tell_all(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
        for member in members:
            ctx.tell_member(member.id, Reply("review.withdrawn", {"number": 7}))

    sent: list[list[str]] = []
    failing = {"carol"}

    async def deliver(notices: Sequence[Notice]) -> list[Notice]:
        """Sends to all but those failing; returns those left."""
        assert {n.community for n in notices} == {"test"}
        went, left = [], []
        for notice in notices:
            for address in notice.addresses:
                if address.external_id in failing:
                    left.append(notice.only([address]))
                else:
                    went.append(address.external_id)
        sent.append(went)
        return left

    clock = ManualClock(START)
    jobs_runner = runner(app.engine, clock, tell_all, backoff=timedelta(seconds=30))
    await jobs_runner.run_due(deliver)
    (row,) = await job_rows(app.engine)
    assert row.done_at is None and "1 of its deliveries did not go" in row.last_error
    assert [n["addresses"][0][2] for n in row.outbox] == ["carol"]
    failing.clear()
    clock.advance(timedelta(seconds=30))
    await jobs_runner.run_due(deliver)
    assert sent == [["bob", "dave"], ["carol"]]  # nobody got it twice
    (row,) = await job_rows(app.engine)
    assert row.done_at == clock.now()


async def test_a_failing_job_is_rolled_back_retried_and_finally_given_up(app: App) -> None:
    await scratch_table(app.engine)
    flaky_id, hopeless_id = await add_jobs(app.engine, 2)
    calls: dict[int, int] = {}

    async def handler(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
        calls[ctx.job.id] = calls.get(ctx.job.id, 0) + 1
        await counting("r", [])(ctx, payload)  # its effect, rolled back on failure
        if ctx.job.id == hopeless_id or calls[ctx.job.id] < 3:
            raise RuntimeError(f"attempt {calls[ctx.job.id]} failed")

    clock = ManualClock(START)
    jobs_runner = runner(app.engine, clock, handler, max_attempts=4, backoff=timedelta(seconds=10))
    for _ in range(6):
        await jobs_runner.run_due()
        clock.advance(timedelta(minutes=5))
    assert calls == {flaky_id: 3, hopeless_id: 4}
    assert await run_rows(app.engine) == [(flaky_id, "r")]
    flaky, hopeless = await job_rows(app.engine)
    assert flaky.done_at is not None and flaky.failed_at is None
    assert hopeless.failed_at is not None and "attempt 4 failed" in hopeless.last_error


async def test_dropped_and_unique_jobs(app: App) -> None:
    await scratch_table(app.engine)
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("jobs", "jobs", START)
        add = uow.jobs.add
        dropped = await add(community.id, KIND, START, {}, START, ref="event:1")
        kept = await add(community.id, KIND, START, {}, START, ref="event:2")
        sweep = await add(community.id, KIND, START, {}, START, unique_key="sweep")
        assert await add(community.id, KIND, START, {}, START, unique_key="sweep") is None
        assert await uow.jobs.drop_pending(community.id, "event:1") == 1
        await uow.commit()
    assert dropped is not None and kept is not None and sweep is not None
    # A job dropped while another runner holds its lease is never marked as run.
    async with SqlUnitOfWork(app.engine) as uow:
        claimed = await uow.jobs.claim("a", START, START + timedelta(minutes=5), 10)
        assert sorted(j.id for j in claimed) == [kept, sweep]
        assert await uow.jobs.drop_pending(community.id, "event:2") == 1
        assert await uow.jobs.start_run(kept, "a", START) is False
        # Once a keyed job has run, the key is free for the next one.
        assert await uow.jobs.start_run(sweep, "a", START) is True
        again = await uow.jobs.add(community.id, KIND, START, {}, START, unique_key="sweep")
        assert again is not None
        await uow.commit()


async def test_the_loop_runs_due_jobs_until_stopped(app: App) -> None:
    await scratch_table(app.engine)
    (job_id,) = await add_jobs(app.engine, 1)
    seen: list[tuple[str, int]] = []
    stop = asyncio.Event()
    delivered: list[Sequence[Notice]] = []

    async def deliver(notices: Sequence[Notice]) -> None:
        delivered.append(notices)

    loop = asyncio.create_task(
        runner(app.engine, ManualClock(START), counting("loop", seen)).run_forever(
            stop, deliver, interval=0.01
        )
    )
    for _ in range(500):
        if seen:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert seen == [("loop", job_id)]
    (row,) = await job_rows(app.engine)
    assert row.done_at is not None
    async with app.engine.connect() as conn:
        pending = select(func.count()).select_from(jobs).where(jobs.c.done_at.is_(None))
        assert (await conn.execute(pending)).scalar_one() == 0


async def test_notices_left_undelivered_go_to_the_next_caller_once(
    community: Community, app: App
) -> None:
    await community.ok("bob", "!profile show")
    async with SqlUnitOfWork(app.engine) as uow:
        found = await uow.communities.get_or_create("test", "test", START)
        (bob,) = await uow.members.by_name(found.id, "bob")
        await uow.jobs.add(found.id, KIND, START, {}, START)
        await uow.commit()

    async def tell_bob(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
        ctx.tell_member(bob.id, Reply("review.withdrawn", {"number": 7}))

    async def down(notices: Sequence[Notice]) -> None:
        raise ConnectionError("the platform is down")

    clock = ManualClock(START)
    jobs_runner = runner(app.engine, clock, tell_bob)
    assert await jobs_runner.run_due(down) == []
    clock.advance(timedelta(minutes=1))
    # The console's `:advance` takes the kept notice and delivers it itself.
    (notice,) = await jobs_runner.run_due()
    assert notice.reply.key == "review.withdrawn"
    clock.advance(timedelta(hours=2))
    assert await jobs_runner.run_due() == []
    (row,) = await job_rows(app.engine)
    assert row.done_at is not None and row.attempts == 2


async def test_the_bot_loop_also_ends_auctions_and_delivers_their_notices(app: App) -> None:
    """`junto run` and the chat adapters drive `jobs.run_due(deliver)`, not `:advance`."""
    community = Community(app.core)
    await community.people(("alice", "UK"), ("tina", "Peru"), ("bob", "Nigeria"))
    await community.ok("alice", "!voucher issue @tina 2 tutoring")
    opened = await community.ok("tina", '!auction open @alice 1 5 gbp "2026-12-01 10:00"')
    number = opened.outcome.reply.params["number"]
    await community.ok("bob", f"!auction bid {number} 6")
    app.clock.advance(timedelta(hours=1, minutes=1))
    delivered: list[str] = []

    async def deliver(notices: Sequence[Notice]) -> None:
        delivered.extend(n.reply.key for n in notices)

    assert app.jobs is not None
    await app.jobs.run_due(deliver)
    assert {"auction.won_seller", "auction.won_winner"} <= set(delivered)
    again: list[str] = []

    async def deliver_again(notices: Sequence[Notice]) -> None:
        again.extend(n.reply.key for n in notices)

    await app.jobs.run_due(deliver_again)
    assert not any(key.startswith("auction.won") for key in again)  # ended exactly once
