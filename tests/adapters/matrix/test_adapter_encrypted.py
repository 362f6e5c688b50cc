"""An encrypted room: commands arrive encrypted and the answers go back encrypted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClientConfig, MegolmEvent
from nio.crypto import ENCRYPTION_ENABLED

from bot.replies import Address, Notice, Reply
from tests.adapters.matrix.adapter_support import (
    Person,
    bot_account,
    bot_config,
    joined,
    open_room,
    start_bot,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver
from tests.support import app_on

pytestmark = pytest.mark.skipif(
    not ENCRYPTION_ENABLED, reason='needs matrix-nio with its e2e extra: "matrix-nio[e2e]"'
)


async def _raw(homeserver: Homeserver, person: Person, room: str, event_id: str) -> Any:
    url = f"{homeserver.url}/_matrix/client/v3/rooms/{room}/event/{event_id}"
    headers = {"Authorization": f"Bearer {person.client.access_token}"}
    async with homeserver.http.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_commands_and_answers_in_an_encrypted_room(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    alice = Person(await matrix_client("alice", store_path=tmp_path / "alice", config=config))
    await alice.client.keys_upload()
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id], encrypted=True)
    bot_store = tmp_path / "store"
    settings = bot_config(homeserver, account.user_id, account.password, bot_store, [room])
    async with app_on("sqlite", tmp_path) as app:
        bot = await start_bot(app, settings)
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        assert alice.client.rooms[room].encrypted
        asked = await alice.say(room, '!circle create spanish-a2 "Spanish at A2"')
        reply = await alice.reply_to(room, asked)
        assert "spanish-a2" in reply.body
        assert reply.decrypted
        stored = await _raw(homeserver, alice, room, reply.event_id)
        assert stored["type"] == "m.room.encrypted"
        assert "spanish-a2" not in str(stored)
        assert not any(isinstance(e, MegolmEvent) for e in alice.events(room))
        await bot.stop()

        # After a restart the bot is the same device with the same keys.
        bot = await start_bot(app, settings)
        try:
            answer = await alice.command(room, "!circle info spanish-a2")
            assert "Spanish at A2" in answer
        finally:
            await bot.stop()


async def test_a_long_answer_in_an_encrypted_room_fits_in_its_events(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    """Encrypted, the content grows (non-ASCII escaped, then base64): still every part
    is an event the homeserver takes."""
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    alice = Person(await matrix_client("alice", store_path=tmp_path / "alice", config=config))
    await alice.client.keys_upload()
    account = await bot_account(homeserver)
    room = await open_room(alice, [account.user_id], encrypted=True)
    settings = bot_config(homeserver, account.user_id, account.password, tmp_path / "store", [room])
    async with app_on("sqlite", tmp_path) as app:
        bot = await start_bot(app, settings)
        try:
            await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
            text = "\n".join(f"{i} " + "🎉é" * 150 for i in range(200))
            notice = Notice(
                Reply("journey.note", {"text": text}),
                addresses=(Address("matrix", "place", room),),
                community="test",
            )
            assert await bot.bot.deliver([notice]) == []
            assert bot.bot.state.pending() == []  # nothing left queued
            last = await alice.notice(room, "199 ")
            assert last.decrypted
            stored = await _raw(homeserver, alice, room, last.event_id)
            assert len(json.dumps(stored).encode()) < 65_536
        finally:
            await bot.stop()
