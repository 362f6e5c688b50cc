"""Restarts of the bot and of the homeserver: nothing replayed, nothing lost."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from nio import ReactionEvent, RoomMessageNotice

from adapters.matrix.state import AdapterState
from bot.core import Call
from bot.replies import Outcome, Reply
from tests.adapters.matrix.adapter_support import (
    Person,
    bot_account,
    bot_config,
    joined,
    junto,
    open_room,
    start_bot,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver
from tests.support import app_on


def _answers(person: Person, room: str, event_id: str) -> list[RoomMessageNotice]:
    return person.replies_to(room, event_id)


async def test_a_restarted_bot_answers_what_it_missed_and_replays_nothing(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    config = bot_config(homeserver, account.user_id, account.password, tmp_path / "store", [room])
    async with app_on("sqlite", tmp_path) as app:
        first = await start_bot(app, config)
        await alice.until(lambda: joined(alice, room, first.user_id), what="Junto joining")
        before = first.bot.state.sync_token
        device = first.bot.state.get("device_id")
        created = await alice.say(room, '!circle create spanish-a2 "Spanish at A2"')
        await alice.reply_to(room, created)
        listed = await alice.say(room, "!circle list")
        await alice.reply_to(room, listed)
        await first.stop()

        # Said while the bot is away: answered once it is back.
        missed = await alice.say(room, "!circle info spanish-a2")
        second = await start_bot(app, config)
        try:
            answer = await alice.reply_to(room, missed)
            assert "Spanish at A2" in answer.body
            assert second.bot.state.get("device_id") == device
            follow_up = await alice.say(room, "!circle list")
            await alice.reply_to(room, follow_up)
        finally:
            await second.stop()

        # As if the bot had died before storing its sync token: everything since the
        # first start is handled again, and still each command has exactly one answer.
        state = AdapterState(config.store_path)
        assert before is not None
        state.sync_token = before
        state.close()
        third = await start_bot(app, config)
        try:
            last = await alice.say(room, "!circle list")
            await alice.reply_to(room, last)
            for event_id in (created, listed, missed, follow_up, last):
                assert len(_answers(alice, room, event_id)) == 1
            circles = await alice.command(room, "!circle list")
            assert circles.count("spanish-a2") == 1
        finally:
            await third.stop()


async def test_the_bot_rides_out_a_homeserver_restart(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room], max_backoff=1.0) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.command(room, '!circle create spanish-a2 "Spanish at A2"')
        await homeserver.restart()
        assert not bot.task.done()
        answer = await alice.command(room, "!circle info spanish-a2")
        assert "Spanish at A2" in answer


async def test_a_failure_outside_the_core_still_gets_an_answer(
    homeserver: Homeserver,
    matrix_client: ClientFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")

        async def broken(call: Call) -> Outcome:
            raise ConnectionError("the database went away")

        monkeypatch.setattr(bot.bot.core, "run", broken)
        answer = await alice.command(room, "!circle list", "Something went wrong on my side")
        assert "tell an admin (reference" in answer
        monkeypatch.undo()

        # A reply that fails to render is answered the same way.
        render = bot.bot._render

        def fussy(reply: Reply, timezone: str) -> str:
            if reply.key != "error.internal":
                raise ValueError("no wording")
            return render(reply, timezone)

        monkeypatch.setattr(bot.bot, "_render", fussy)
        await alice.command(room, "!circle list", "Something went wrong on my side")


async def test_access_tokens_never_reach_the_log(
    homeserver: Homeserver,
    matrix_client: ClientFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    caplog.set_level(logging.DEBUG)
    async with junto(homeserver, tmp_path, account, [room], max_backoff=0.5) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        await alice.command(room, "!nonsense", "I don't know the command")
        homeserver.stop()
        # Sync failures are logged while the server is away.
        for _ in range(200):
            if any("sync" in r.getMessage() for r in caplog.records if r.levelno >= 30):
                break
            await asyncio.sleep(0.05)
        await homeserver.start()
        await alice.command(room, "!nonsense again", "nonsense again")
        token = bot.bot.client.access_token
        assert token
        logged: list[Any] = [r.getMessage() for r in caplog.records]
        logged += [repr(bot.config)]
        assert not any(token in line for line in logged)
        assert account.password not in repr(bot.config)


async def test_commands_beyond_a_limited_timeline_are_still_answered(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    config = bot_config(homeserver, account.user_id, account.password, tmp_path / "store", [room])
    async with app_on("sqlite", tmp_path) as app:
        first = await start_bot(app, config, timeline_limit=2)
        await alice.until(lambda: joined(alice, room, first.user_id), what="Junto joining")
        await first.stop()
        # More than the sync's timeline holds: the rest comes from the room's history.
        said = [await alice.say(room, f"!circle info missing-{n}") for n in range(7)]
        second = await start_bot(app, config, timeline_limit=2)
        try:
            await alice.command(room, "!circle list")

            def answered() -> set[str]:
                pointed = {e.reacts_to for e in alice.events(room) if isinstance(e, ReactionEvent)}
                return set(said) - pointed

            await alice.until(lambda: not answered(), what="an answer to every missed command")
        finally:
            await second.stop()


class RateLimitingProxy:
    """Forwards to the homeserver, but answers the first message send with a 429."""

    def __init__(self, upstream: str, retry_after_ms: int) -> None:
        self.upstream = upstream
        self.retry_after_ms = retry_after_ms
        self.sends: list[tuple[str, float]] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        if request.method == "PUT" and "/send/m.room.message/" in request.path:
            self.sends.append((request.path, time.monotonic()))
            if len(self.sends) == 1:
                return web.json_response(
                    {
                        "errcode": "M_LIMIT_EXCEEDED",
                        "error": "Too many requests",
                        "retry_after_ms": self.retry_after_ms,
                    },
                    status=429,
                )
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=await request.read(),
        ) as upstream:
            body = await upstream.read()
            return web.Response(
                body=body, status=upstream.status, content_type=upstream.content_type
            )


async def test_a_429_is_waited_out_and_the_message_sent_once(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    proxy = RateLimitingProxy(homeserver.url, retry_after_ms=400)
    await proxy.start()
    try:
        config = replace(
            bot_config(homeserver, account.user_id, account.password, tmp_path / "s", [room]),
            homeserver=proxy.url,
        )
        async with app_on("sqlite", tmp_path) as app:
            bot = await start_bot(app, config)
            try:
                await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
                asked = await alice.say(room, '!circle create spanish-a2 "Spanish at A2"')
                await alice.reply_to(room, asked)
                await alice.command(room, "!circle list", "spanish-a2")
                assert len(alice.replies_to(room, asked)) == 1
            finally:
                await bot.stop()
    finally:
        await proxy.close()
    (first_path, first_at), (second_path, second_at) = proxy.sends[:2]
    # The same transaction, tried again no sooner than the server asked.
    assert first_path == second_path
    assert second_at - first_at >= 0.4


async def test_a_lost_login_is_renewed_with_the_password(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id])
    async with junto(homeserver, tmp_path, account, [room], max_backoff=0.5) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        old_token = bot.bot.client.access_token
        async with homeserver.http.post(
            f"{homeserver.url}/_matrix/client/v3/logout",
            headers={"Authorization": f"Bearer {old_token}"},
        ) as response:
            assert response.status == 200
        await alice.command(room, "!circle list", "There are no circles yet")
        assert bot.bot.client.access_token != old_token
        assert bot.bot.state.get("access_token") == bot.bot.client.access_token
