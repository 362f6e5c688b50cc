"""The Synapse harness against real matrix-nio clients.

These pin down the server behaviour the Matrix adapter relies on: invites,
message delivery via sync, reaction annotations, redactions, encryption and
surviving a homeserver restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    MegolmEvent,
    ReactionEvent,
    RedactionEvent,
    RoomCreateResponse,
    RoomMemberEvent,
    RoomMessageText,
    RoomRedactResponse,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto import ENCRYPTION_ENABLED
from nio.event_builders import EnableEncryptionBuilder

from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver, sync_until, timeline_event

CHECK = "✅"


async def _send_text(client: AsyncClient, room_id: str, body: str) -> str:
    response = await client.room_send(
        room_id,
        "m.room.message",
        {"msgtype": "m.text", "body": body},
        ignore_unverified_devices=True,
    )
    assert isinstance(response, RoomSendResponse), response
    event_id: str = response.event_id
    return event_id


async def _shared_room(alice: AsyncClient, bob: AsyncClient, *, encrypted: bool = False) -> str:
    """Alice creates a room and invites Bob, Bob sees the invite and joins."""
    initial_state = [EnableEncryptionBuilder().as_dict()] if encrypted else []
    created = await alice.room_create(invite=[bob.user_id], initial_state=initial_state)
    assert isinstance(created, RoomCreateResponse), created
    room_id: str = created.room_id

    await sync_until(bob, lambda sync: room_id if room_id in sync.rooms.invite else None)
    joined = await bob.join(room_id)
    assert isinstance(joined, JoinResponse), joined

    await sync_until(
        alice,
        timeline_event(
            room_id,
            lambda event: (
                isinstance(event, RoomMemberEvent)
                and event.state_key == bob.user_id
                and event.membership == "join"
            ),
        ),
    )
    # Bob's own first sync after joining fills his room list and, for
    # encrypted rooms, the member list his device needs.
    await sync_until(bob, lambda sync: room_id if room_id in sync.rooms.join else None)
    return room_id


async def _raw_event(
    homeserver: Homeserver, token: str, room_id: str, event_id: str
) -> dict[str, Any]:
    """The event as stored on the server, bypassing nio's parsing."""
    url = f"{homeserver.url}/_matrix/client/v3/rooms/{quote(room_id)}/event/{quote(event_id)}"
    async with homeserver.http.get(url, headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 200, await resp.text()
        event: dict[str, Any] = await resp.json()
        return event


async def test_shared_secret_registration_yields_working_tokens(homeserver: Homeserver) -> None:
    localpart = homeserver.new_localpart("admin")
    user_id, password, token = await homeserver.register(localpart, admin=True)

    assert user_id == f"@{localpart}:{homeserver.server_name}"
    assert password
    headers = {"Authorization": f"Bearer {token}"}
    async with homeserver.http.get(
        f"{homeserver.url}/_matrix/client/v3/account/whoami", headers=headers
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["user_id"] == user_id
    async with homeserver.http.get(
        f"{homeserver.url}/_synapse/admin/v2/users/{quote(user_id)}", headers=headers
    ) as resp:
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["admin"] is True


async def test_open_registration_is_disabled(homeserver: Homeserver) -> None:
    async with homeserver.http.post(
        f"{homeserver.url}/_matrix/client/v3/register",
        json={"username": homeserver.new_localpart("intruder"), "password": "x" * 12},
    ) as resp:
        assert resp.status == 403


async def test_invited_user_joins_and_receives_message(matrix_client: ClientFactory) -> None:
    alice = await matrix_client("alice")
    bob = await matrix_client("bob")
    room_id = await _shared_room(alice, bob)

    assert set(alice.rooms[room_id].users) == {alice.user_id, bob.user_id}

    event_id = await _send_text(alice, room_id, "hello bob")
    received = await sync_until(
        bob, timeline_event(room_id, lambda event: getattr(event, "event_id", None) == event_id)
    )
    assert isinstance(received, RoomMessageText)
    assert received.body == "hello bob"
    assert received.sender == alice.user_id


async def test_reaction_and_its_redaction_reach_the_author(
    homeserver: Homeserver, matrix_client: ClientFactory
) -> None:
    alice = await matrix_client("alice")
    bob = await matrix_client("bob")
    room_id = await _shared_room(alice, bob)
    message_id = await _send_text(alice, room_id, "react to me")

    reaction = await bob.room_send(
        room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": message_id, "key": CHECK}},
    )
    assert isinstance(reaction, RoomSendResponse), reaction
    seen = await sync_until(
        alice,
        timeline_event(
            room_id, lambda event: getattr(event, "event_id", None) == reaction.event_id
        ),
    )
    assert isinstance(seen, ReactionEvent)
    assert (seen.sender, seen.reacts_to, seen.key) == (bob.user_id, message_id, CHECK)

    redaction = await bob.room_redact(room_id, reaction.event_id, reason="changed my mind")
    assert isinstance(redaction, RoomRedactResponse), redaction
    redacted = await sync_until(
        alice,
        timeline_event(
            room_id,
            lambda event: isinstance(event, RedactionEvent) and event.redacts == reaction.event_id,
        ),
    )
    assert redacted.sender == bob.user_id
    assert redacted.reason == "changed my mind"

    assert alice.access_token is not None
    stored = await _raw_event(homeserver, alice.access_token, room_id, reaction.event_id)
    assert stored["content"] == {}
    assert stored["unsigned"]["redacted_because"]["event_id"] == redaction.event_id


@pytest.mark.skipif(
    not ENCRYPTION_ENABLED,
    reason='matrix-nio was installed without its e2e extra: pip install "matrix-nio[e2e]"',
)
async def test_encrypted_room_roundtrip(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    alice = await matrix_client("alice", store_path=tmp_path / "alice", config=config)
    bob = await matrix_client("bob", store_path=tmp_path / "bob", config=config)
    for client in (alice, bob):
        # sync_forever would do this; plain sync() leaves it to the caller.
        assert client.should_upload_keys
        await client.keys_upload()

    room_id = await _shared_room(alice, bob, encrypted=True)
    assert alice.rooms[room_id].encrypted

    event_id = await _send_text(alice, room_id, "for bob's eyes only")

    assert alice.access_token is not None
    stored = await _raw_event(homeserver, alice.access_token, room_id, event_id)
    assert stored["type"] == "m.room.encrypted"
    assert "for bob's eyes only" not in str(stored)

    def decrypted(sync: SyncResponse) -> RoomMessageText | None:
        room = sync.rooms.join.get(room_id)
        for event in room.timeline.events if room else []:
            if event.event_id == event_id:
                # A MegolmEvent here means the room key never arrived.
                assert not isinstance(event, MegolmEvent), event
                assert isinstance(event, RoomMessageText)
                return event
        return None

    received = await sync_until(bob, decrypted)
    assert received.body == "for bob's eyes only"
    assert received.decrypted
    assert received.sender == alice.user_id


async def test_restart_keeps_data_and_clients_resume(
    homeserver: Homeserver, matrix_client: ClientFactory
) -> None:
    alice = await matrix_client("alice")
    bob = await matrix_client("bob")
    room_id = await _shared_room(alice, bob)
    before_id = await _send_text(alice, room_id, "before restart")
    await sync_until(
        bob, timeline_event(room_id, lambda event: getattr(event, "event_id", None) == before_id)
    )
    old_pid = homeserver.pid

    await homeserver.restart()

    assert homeserver.pid != old_pid
    # The same access tokens and sync tokens keep working: no re-login.
    after_id = await _send_text(alice, room_id, "after restart")
    received = await sync_until(
        bob, timeline_event(room_id, lambda event: getattr(event, "event_id", None) == after_id)
    )
    assert isinstance(received, RoomMessageText)
    assert received.body == "after restart"

    # Data written before the restart is still served, and passwords still work.
    assert bob.access_token is not None
    stored = await _raw_event(homeserver, bob.access_token, room_id, before_id)
    assert stored["content"]["body"] == "before restart"
    assert alice.user_id is not None
    again = await homeserver.client(alice.user_id.split(":")[0].lstrip("@"))
    try:
        assert room_id in (await again.joined_rooms()).rooms
    finally:
        await again.close()
