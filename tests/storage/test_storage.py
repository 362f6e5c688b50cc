"""Storage contract, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

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
