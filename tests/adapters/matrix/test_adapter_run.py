"""`junto run --config` with only a [matrix] table and a [storage] url, as an operator runs it:
a member invites the bot, runs a circle, an event and a voucher exchange, and a restart of the
bot replays nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.adapters.matrix.adapter_support import Person, bot_account, join, joined, open_room
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver, _die_with_parent

REPO = Path(__file__).resolve().parents[3]


@contextmanager
def junto_run(config: Path, password: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "JUNTO_MATRIX_PASSWORD": password}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli", "run", "--config", str(config)],
            cwd=config.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def _stopped(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    for _ in range(300):
        code = process.poll()
        if code is not None:
            return code
        await asyncio.sleep(0.1)
    raise TimeoutError("junto run did not stop within 30 s of SIGTERM")


async def test_junto_run_serves_a_community_and_restarts_without_replaying(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    alice = Person(await matrix_client("alice"))
    bob = Person(await matrix_client("bob"))
    account = await bot_account(homeserver)
    room = await open_room(alice, [bob.user_id])
    await join(bob, room)
    config = tmp_path / "junto.toml"
    config.write_text(
        f"""
[storage]
url = "{tmp_path / "junto.db"}"

[matrix]
homeserver = "{homeserver.url}"
user_id = "{account.user_id}"
device_name = "Junto test"
store_path = "{tmp_path / "matrix-store"}"
prefix = "!"
community = "learners"
admins = ["{alice.user_id}"]
rooms = ["{room}"]
"""
    )
    log = tmp_path / "junto.log"
    asked: list[str] = []

    async def ask(person: Person, text: str, expect: str) -> str:
        event_id = await person.say(room, text)
        asked.append(event_id)
        reply = await person.reply_to(room, event_id, within=30)
        assert expect in reply.body, reply.body
        body: str = reply.body
        return body

    with junto_run(config, account.password, log) as process:
        # Invited after it started: the bot accepts because the room is in its config.
        invited = await alice.client.room_invite(room, account.user_id)
        assert invited.__class__.__name__ == "RoomInviteResponse", invited
        await alice.until(lambda: joined(alice, room, account.user_id), 30, "Junto joining")
        await ask(alice, '!circle create spanish-a2 "Spanish at A2"', "Circle spanish-a2")
        await ask(bob, "!circle join spanish-a2", "Welcome")
        # `junto run` keeps real time: the event is a fortnight from now.
        start = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%d 18:00")
        await ask(
            alice,
            f'!event schedule spanish-a2 "Conversation hour" "{start}" 1h where:Lab',
            "is scheduled",
        )
        await ask(bob, "!event list", "Conversation hour")
        await alice.say(room, f'!voucher issue {bob.user_id} 2 "note taking"')
        await bob.direct_notice(account.user_id, "issued you 2h")
        await alice.command(room, "!admin settings circle_size 20", "circle_size is now 20")
        assert await _stopped(process) == 0

    with junto_run(config, account.password, log) as process:
        await ask(bob, "!circle info spanish-a2", "Spanish at A2")
        await bob.say(room, f"!voucher give {alice.user_id} {alice.user_id} 1")
        await bob.direct_notice(account.user_id, "You gave 1h")
        # Each command said before the restart still has exactly one answer.
        await alice.sync()
        for event_id in asked:
            assert len(alice.replies_to(room, event_id)) == 1
            assert len(bob.replies_to(room, event_id)) <= 1
        assert await _stopped(process) == 0

    output = log.read_text()
    assert "Junto is on Matrix as" in output
    assert account.password not in output
    assert "Traceback" not in output


async def test_junto_run_refuses_a_wrong_password_clearly(
    homeserver: Homeserver, tmp_path: Path
) -> None:
    account = await bot_account(homeserver)
    config = tmp_path / "junto.toml"
    config.write_text(
        f"""
[storage]
url = "{tmp_path / "junto.db"}"
[matrix]
homeserver = "{homeserver.url}"
user_id = "{account.user_id}"
store_path = "{tmp_path / "store"}"
rooms = ["!nowhere:localhost"]
"""
    )
    log = tmp_path / "junto.log"
    with junto_run(config, "not-the-password", log) as process:
        for _ in range(300):
            if process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        assert process.returncode == 2
    output = log.read_text()
    assert f"[matrix] logging in as {account.user_id} failed" in output
    assert "not-the-password" not in output
    assert "Traceback" not in output
