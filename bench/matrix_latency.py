"""Matrix reply latency: Junto against a bare matrix-nio echo bot, same homeserver, same run.

A Synapse on loopback (the test harness's), one member and two bots, each bot in
its own room with the member. The member says a command, then waits for the
bot's m.notice in reply; the time from sending to seeing the reply is one
sample. Commands alternate between the two bots so both see the same server
load. Junto runs its real adapter and core on SQLite; the echo bot answers
with the text it got.

    .venv/bin/python bench/matrix_latency.py [--commands 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nio import (
    AsyncClient,
    MatrixRoom,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    SyncResponse,
)

from adapters.app import build
from adapters.matrix.client import MatrixBot
from adapters.matrix.config import MatrixConfig
from tests.adapters.matrix.synapse import Homeserver, ensure_synapse_venv

POLL_MS = 30_000


class Member:
    """The member's client: one long-lived sync loop noting when each reply arrives."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.arrived: dict[str, float] = {}
        self.changed = asyncio.Event()
        client.add_event_callback(self._on_notice, RoomMessageNotice)

    async def _on_notice(self, room: MatrixRoom, event: RoomMessageNotice) -> None:
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        target = (relates.get("m.in_reply_to") or {}).get("event_id")
        if target:
            self.arrived.setdefault(target, time.perf_counter())
            self.changed.set()

    async def ask(self, room_id: str, body: str) -> float:
        started = time.perf_counter()
        sent = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}
        )
        event_id = sent.event_id
        while event_id not in self.arrived:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), timeout=60)
        return self.arrived[event_id] - started


async def echo_bot(client: AsyncClient) -> None:
    """What a minimal bot does: answer each `!` message with a notice in reply."""

    async def answer(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id or not event.body.startswith("!"):
            return
        await client.room_send(
            room.room_id,
            "m.room.message",
            {
                "msgtype": "m.notice",
                "body": event.body,
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            },
        )

    await client.sync(timeout=0)  # skip history, as a bot does on its first start
    client.add_event_callback(answer, RoomMessageText)
    await client.sync_forever(timeout=POLL_MS)


def workload(count: int) -> list[str]:
    lines: list[str] = []
    for n in range(count):
        circle = f"bench-{n // 4}"
        lines.append(
            [
                f'!circle create {circle} "Bench circle {n // 4}"',
                f"!circle info {circle}",
                "!circle list",
                "!event list",
            ][n % 4]
        )
    return lines


def summary(name: str, samples: list[float]) -> tuple[str, float]:
    ms = sorted(s * 1000 for s in samples)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    line = (
        f"{name:<10} n={len(ms):<4} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
        f"mean {statistics.fmean(ms):7.1f} ms   max {ms[-1]:7.1f} ms"
    )
    return line, p50


async def wait_joined(member: AsyncClient, room_id: str, user_id: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        room = member.rooms.get(room_id)
        if room is not None and user_id in room.users and not room.users[user_id].invited:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{user_id} did not join {room_id}")


async def main(count: int, warmup: int) -> None:
    python = await asyncio.to_thread(ensure_synapse_venv)
    server = Homeserver(python)
    await server.start()
    work = Path(tempfile.mkdtemp(prefix="junto-bench-"))
    tasks: list[asyncio.Task[Any]] = []
    try:
        member_client = await server.client(server.new_localpart("member"))
        echo_client = await server.client(server.new_localpart("echo"))
        junto_account = await server.register(server.new_localpart("junto"))
        member = Member(member_client)

        async def room_with(user_id: str) -> str:
            created = await member_client.room_create(invite=[user_id])
            assert isinstance(created, RoomCreateResponse), created
            return str(created.room_id)

        echo_room = await room_with(echo_client.user_id)
        junto_room = await room_with(junto_account.user_id)
        echo_invited = await echo_client.sync(timeout=0)
        assert isinstance(echo_invited, SyncResponse)
        await echo_client.join(echo_room)

        app = await build(f"sqlite+aiosqlite:///{work / 'junto.db'}")
        config = MatrixConfig(
            homeserver=server.url,
            user_id=junto_account.user_id,
            password=junto_account.password,
            store_path=work / "store",
            community="bench",
            rooms=(junto_room,),
        )
        junto = MatrixBot(app.core, config, jobs=app.jobs, poll_ms=POLL_MS)
        await junto.start()
        tasks.append(asyncio.create_task(junto.run()))
        tasks.append(asyncio.create_task(echo_bot(echo_client)))
        tasks.append(asyncio.create_task(member_client.sync_forever(timeout=POLL_MS)))
        await wait_joined(member_client, echo_room, echo_client.user_id)
        await wait_joined(member_client, junto_room, junto_account.user_id)

        lines = workload(warmup + count)
        results: dict[str, list[float]] = {"echo": [], "junto": []}
        order: list[tuple[str, str, Callable[[str], str]]] = [
            ("echo", echo_room, lambda line: line),
            ("junto", junto_room, lambda line: line),
        ]
        for index, line in enumerate(lines):
            # Alternate who goes first, so neither bot always meets a just-woken server.
            pair = order if index % 2 == 0 else order[::-1]
            for name, room_id, text in pair:
                seconds = await member.ask(room_id, text(line))
                if index >= warmup:
                    results[name].append(seconds)

        print(
            f"Matrix reply latency: {count} commands per bot after {warmup} warm-up, "
            f"Synapse on loopback ({server.url}), Junto on SQLite"
        )
        echo_line, echo_p50 = summary("echo bot", results["echo"])
        junto_line, junto_p50 = summary("junto", results["junto"])
        print(echo_line)
        print(junto_line)
        ratio = junto_p50 / echo_p50
        verdict = "within" if ratio <= 1.25 else "NOT within"
        print(f"junto p50 / echo p50 = {ratio:.2f} ({verdict} the 1.25x target)")
        junto.stop()
        await tasks[0]
        await junto.close()
        await app.engine.dispose()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.warmup))
