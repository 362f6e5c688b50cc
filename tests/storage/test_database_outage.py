"""The database going away under a running bot or console: a pooled connection that
died while idle is replaced, one that dies during a command is retried once, and
while the server is down every command says so, the console keeps reading, and
work resumes when the server is back.

Connections are cut with `pg_terminate_backend` on a test database of our own
(never anyone else's), and whole outages use a PostgreSQL server of the test's
own (tests/storage/pg_cluster.py), since the shared one serves other runs."""

from __future__ import annotations

import asyncio
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from adapters.app import build
from bot.catalogue import default_catalogue
from bot.clock import ManualClock
from bot.commands import Catalogue, Command, Ctx, Who
from bot.core import Core
from bot.replies import Reply
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.storage.pg_cluster import own_cluster
from tests.support import PG_DSN, START, Community, fresh_database

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]


async def _cut_off(url: str) -> int:
    """End every session on the test's own database; how many there were."""
    database = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(PG_DSN)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await admin.close()
    return len(rows)


async def test_a_connection_that_died_while_idle_is_replaced_unseen(tmp_path: Path) -> None:
    async with fresh_database() as url:
        app = await build(url, clock=ManualClock(START))
        try:
            community = Community(app.core)
            await community.ok("alice", '!circle create python-basics "Python basics"')
            assert await _cut_off(url) >= 1
            said = await community.ok("alice", "!circle info python-basics")
            assert "python-basics" in said.text
            # Twice over: the whole pool was cut, and every connection is checked.
            await _cut_off(url)
            await community.ok("bob", "!circle join python-basics")
        finally:
            await app.engine.dispose()


async def test_a_connection_that_dies_during_a_command_is_retried_once(tmp_path: Path) -> None:
    attempts: list[int] = []

    async def dies_the_first_time(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        await ctx.uow.members.count(ctx.community.id)
        attempts.append(1)
        if len(attempts) == 1:
            # The server ends this session between two statements of the command.
            uow: Any = ctx.uow
            pid = (await uow.connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            admin = await asyncpg.connect(PG_DSN)
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await admin.close()
        await ctx.uow.members.count(ctx.community.id)
        return Reply("reaction.ignored")

    async with fresh_database() as url:
        app = await build(url, clock=ManualClock(START))
        try:
            catalogue = Catalogue(
                [*default_catalogue(), Command("flaky", (), "x", Who.ANYONE, dies_the_first_time)]
            )
            core = Core(SqlUnitOfWorkFactory(app.engine), app.clock, catalogue)
            community = Community(core)
            said = await community.say("alice", "!flaky")
            assert said.key == "reaction.ignored", said.text
            assert len(attempts) == 2
            # Only the second attempt committed: one member, one command key.
            async with app.engine.connect() as conn:
                keys = (await conn.execute(text("SELECT count(*) FROM command_keys"))).scalar()
                members = (await conn.execute(text("SELECT count(*) FROM members"))).scalar()
            assert (keys, members) == (1, 1)
        finally:
            await app.engine.dispose()


async def test_while_the_server_is_down_each_command_says_so_and_then_works_again() -> None:
    with own_cluster() as server:
        app = await build(server.url, clock=ManualClock(START))
        try:
            community = Community(app.core)
            await community.ok("alice", '!circle create python-basics "Python basics"')
            server.stop()
            for who, line in (
                ("alice", "!circle list"),
                ("bob", "!circle join python-basics"),
                ("carol", "!help"),
            ):
                said = await community.say(who, line)
                assert said.key == "error.unavailable", said.text
                assert said.text == "The database is unavailable, try again in a moment."
                assert said.private and said.outcome.refused
            # Due work waits too, and its loop carries on.
            assert app.jobs is not None
            stop = asyncio.Event()
            loop = asyncio.create_task(app.jobs.run_forever(stop, _ignore, interval=0.05))
            await asyncio.sleep(0.3)
            server.start()
            await asyncio.sleep(0.3)
            stop.set()
            await loop
            said = await community.ok("bob", "!circle join python-basics")
            assert said.text.startswith("Welcome to python-basics!")
            # Nothing said while it was down was half done.
            listed = await community.ok("carol", "!circle info python-basics")
            assert "2/35" in listed.text, listed.text
        finally:
            await app.engine.dispose()


async def _ignore(_notices: Any) -> None:
    pass


class _Console:
    """`junto console` in a subprocess, fed one line at a time."""

    def __init__(self, url: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli", "console", "--db", url],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def say(self, line: str, expect: str, timeout: float = 30) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        seen = []
        while True:
            try:
                got = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"{line!r}: no {expect!r} in {seen}") from None
            seen.append(got)
            if expect in got:
                return got


@pytest.mark.slow
def test_a_console_lives_through_a_server_restart(tmp_path: Path) -> None:
    with own_cluster() as server:
        console = _Console(server.url, tmp_path)
        try:
            console.say("alice: !circle create python-basics Python", "is created")
            server.stop()
            console.say("!circle list", "The database is unavailable, try again in a moment.")
            console.say(":now", "(it is ")  # still reading, still answering
            server.start()
            console.say("!circle list", "python-basics")
            console.say("bob: !circle join python-basics", "Welcome to python-basics!")
            _, errors = console.process.communicate(":quit\n", timeout=30)
            assert console.process.returncode == 0, errors
            assert "Traceback" not in errors
        finally:
            if console.process.poll() is None:
                console.process.kill()
