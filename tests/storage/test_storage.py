"""Storage contract, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from adapters.app import App
from bot.ports.unit_of_work import Duplicate
from bot.replies import Anchor
from storage.engine import database_url
from storage.migrate import pending, upgrade
from storage.tables import metadata
from storage.unit_of_work import SqlUnitOfWork
from tests.support import START


async def test_migrations_build_exactly_the_declared_tables(app: App) -> None:
    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    async with app.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    assert await pending(app.engine) == []
    await upgrade(app.engine)  # a second upgrade is a no-op


async def test_short_numbers_count_up_per_community(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        one = await uow.communities.get_or_create("one", "One", START)
        two = await uow.communities.get_or_create("two", "Two", START)
        numbers = [await uow.communities.next_number(one.id) for _ in range(3)]
        assert numbers == [1, 2, 3]
        assert await uow.communities.next_number(two.id) == 1
        await uow.commit()


async def test_uncommitted_work_is_rolled_back(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        await uow.communities.get_or_create("gone", "Gone", START)
    async with SqlUnitOfWork(app.engine) as uow:
        result = await uow.connection.execute(
            text("select count(*) from communities where slug = 'gone'")
        )
        assert result.scalar_one() == 0


async def test_identities_are_unique_per_platform(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("c", "C", START)
        a = await uow.members.create(community.id, "A", START)
        b = await uow.members.create(community.id, "B", START)
        await uow.members.add_identity(community.id, a.id, "matrix", "@a:x")
        await uow.members.add_identity(community.id, b.id, "discord", "@a:x")
        with pytest.raises(Duplicate):
            await uow.members.add_identity(community.id, b.id, "matrix", "@a:x")


async def test_link_codes_are_single_use(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("c", "C", START)
        member = await uow.members.create(community.id, "A", START)
        await uow.profiles.put_link_code(community.id, member.id, "CODE", START + timedelta(1))
        assert await uow.profiles.take_link_code(community.id, "CODE", START) == member.id
        assert await uow.profiles.take_link_code(community.id, "CODE", START) is None


async def test_posts_map_messages_to_objects(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("c", "C", START)
        await uow.posts.record(community.id, "console", "m7", Anchor("review", 3))
        assert await uow.posts.find(community.id, "console", "m7") == Anchor("review", 3)
        assert await uow.posts.find(community.id, "matrix", "m7") is None
        # A console run numbers its messages afresh: the newest m7 is the one meant.
        await uow.posts.record(community.id, "console", "m7", Anchor("event", 9))
        assert await uow.posts.find(community.id, "console", "m7") == Anchor("event", 9)


async def test_instants_round_trip_in_utc(app: App) -> None:
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("c", "C", START)
        assert community.created_at == START
        assert community.created_at.utcoffset() == timedelta(0)


def test_database_urls() -> None:
    assert database_url("junto.db") == "sqlite+aiosqlite:///junto.db"
    assert database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


async def test_the_member_reads_revision_fills_in_what_it_adds(app: App) -> None:
    """Down to the revision before it and up again: transfers get their owners and
    providers their skills back from the rows already there."""
    from alembic import command

    from storage.migrate import _config
    from storage.tables.agreements import provider_skills
    from storage.tables.ledger import transfers
    from tests.support import Community

    community = Community(app.core)
    await community.people(("alice", "Bournemouth, UK"), ("bob", "Lagos"), ("carol", "Lima"))
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    await community.ok("bob", "!voucher give @carol @alice 1")
    await community.ok("bob", '!provider register "Spanish, Photo  Captioning" 1')
    owners = select(transfers.c.seq, transfers.c.debit_owner_id, transfers.c.credit_owner_id)
    skills = select(provider_skills.c.skill_key).order_by(provider_skills.c.skill_key)
    async with app.engine.connect() as conn:
        before = (await conn.execute(owners.order_by(transfers.c.seq))).all()
        assert (await conn.execute(skills)).scalars().all() == ["photo captioning", "spanish"]
    assert before and all(r.debit_owner_id and r.credit_owner_id for r in before)

    def down(connection: object) -> None:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0006_credentials")

    async with app.engine.begin() as conn:
        await conn.run_sync(down)
    assert await pending(app.engine) == ["0008_member_reads"]
    await upgrade(app.engine)
    async with app.engine.connect() as conn:
        assert (await conn.execute(owners.order_by(transfers.c.seq))).all() == before
        assert (await conn.execute(skills)).scalars().all() == ["photo captioning", "spanish"]
    listed = await community.ok("carol", '!provider list "photo captioning"')
    assert "- bob" in listed.text
    # The ledger works on after the round trip.
    refused = await community.say("carol", "!voucher give @bob @alice 5")
    assert refused.key == "voucher.not_enough"
