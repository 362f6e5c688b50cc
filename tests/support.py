"""Shared test helpers: databases on both engines, and a community to talk to."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
import pytest

from adapters.app import App, build
from adapters.text import parse
from bot.clock import ManualClock
from bot.core import Call, CommunitySpec, Core
from bot.credentials.identity import CredentialsConfig
from bot.errors import DomainError
from bot.model.members import Actor
from bot.rendering import Style, render
from bot.replies import Outcome, error_reply

PG_DSN = os.environ.get("JUNTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_DSN), timeout=5)
    except Exception as error:  # any failure to connect means "not here"
        return f"PostgreSQL at {PG_DSN} is unreachable: {error}"
    await conn.close()
    return None


async def require_postgres() -> None:
    reason = await postgres_reachable()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: the PostgreSQL suites must run)")
    pytest.skip(reason)


def pg_url(database: str | None = None) -> str:
    base = PG_DSN.replace("postgresql://", "postgresql+asyncpg://", 1)
    if database is None:
        return base
    return base.rsplit("/", 1)[0] + "/" + database


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """A schema of its own in the test database, dropped afterwards."""
    await require_postgres()
    schema = "t_" + secrets.token_hex(6)
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        yield schema
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A whole database of its own, for running the `junto` command against."""
    await require_postgres()
    name = "junto_t_" + secrets.token_hex(6)
    admin = await asyncpg.connect(PG_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield pg_url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def app_on(
    engine: str,
    tmp_path: Path,
    *,
    start: datetime = START,
    credentials: CredentialsConfig | None = None,
    **defaults: object,
) -> AsyncIterator[App]:
    clock = ManualClock(start)
    if engine == "sqlite":
        app = await build(
            str(tmp_path / "junto.db"), clock=clock, defaults=defaults, credentials=credentials
        )
        try:
            yield app
        finally:
            await app.engine.dispose()
        return
    async with fresh_schema() as schema:
        app = await build(
            pg_url(), clock=clock, defaults=defaults, schema=schema, credentials=credentials
        )
        try:
            yield app
        finally:
            await app.engine.dispose()


_keys = itertools.count(1)


@dataclass
class Said:
    """What one line got back: the outcome and its text as the speaker sees it."""

    outcome: Outcome
    text: str
    notices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.outcome.reply.key

    @property
    def private(self) -> bool:
        return self.outcome.reply.private


class Community:
    """Members speaking text commands to a core, as the console or Matrix would."""

    def __init__(self, core: Core, slug: str = "test", platform: str = "console") -> None:
        self.core = core
        self.spec = CommunitySpec(slug, slug, first_speaker_admin=True)
        self.platform = platform

    async def say(self, who: str, line: str, *, key: str | None = None) -> Said:
        actor = Actor(self.platform, who, who)
        try:
            parsed = parse(line, "!", self.core.catalogue)
        except DomainError as error:
            reply = error_reply(error.code, error.params)
            return Said(Outcome(reply), render(reply, Style()))
        call = Call(
            parsed.command,
            actor,
            key or f"k{next(_keys)}",
            self.spec,
            parsed.args,
            place="general",
        )
        outcome = await self.core.run(call)
        tz = outcome.actor_timezone if outcome.reply.private else outcome.community_timezone
        text = render(outcome.reply, Style(ZoneInfo(tz)))
        notices = [
            (f"{a.kind}:{a.external_id}", render(n.reply, Style(ZoneInfo(a.timezone))))
            for n in outcome.notices
            for a in n.addresses
        ]
        return Said(outcome, text, notices)

    async def ok(self, who: str, line: str) -> Said:
        """Say a line that must succeed."""
        said = await self.say(who, line)
        assert not said.key.startswith(("input.", "command.", "error.")), said.text
        return said

    async def people(self, *specs: tuple[str, str]) -> None:
        """Create members with contexts: ("alice", "Bournemouth, UK"), ..."""
        for name, context in specs:
            await self.ok(name, f'!profile set context:"{context}"')
