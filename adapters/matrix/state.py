"""The adapter's own transport state, kept under `store_path`.

This is not domain data: it is what the Matrix connection needs to resume
without replaying or losing anything. The sync token, the login (so a restart
reuses the same device and its encryption keys), each member's direct room,
each circle's room, the reactions Junto may later see redacted, and an outbox
of messages decided but not yet confirmed sent.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILENAME = "junto-matrix.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS direct_rooms (user_id TEXT PRIMARY KEY, room_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS circle_rooms (circle TEXT PRIMARY KEY, room_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reactions (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    emoji TEXT NOT NULL,
    sender TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unreachable (user_id TEXT PRIMARY KEY, until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS replaced_rooms (room_id TEXT PRIMARY KEY, replacement TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredReaction:
    room_id: str
    target_id: str
    emoji: str
    sender: str


@dataclass(frozen=True)
class Outgoing:
    """One message to send: to a room, or to a member's direct room.

    `txn_id` is derived from what caused it, so sending it twice is harmless:
    the homeserver returns the first event for a repeated transaction id.
    """

    txn_id: str
    target: str  # a room id, or a user id when `to_member`
    content: dict[str, Any]
    to_member: bool = False
    event_type: str = "m.room.message"
    # [kind, object id]: record the sent event as a post so reactions on it count.
    anchor: tuple[str, int] | None = None
    # (filename, content type, base64 data), sent as files after the message.
    attachments: tuple[tuple[str, str, str], ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "txn_id": self.txn_id,
                "target": self.target,
                "content": self.content,
                "to_member": self.to_member,
                "event_type": self.event_type,
                "anchor": list(self.anchor) if self.anchor else None,
                "attachments": [list(a) for a in self.attachments],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Outgoing:
        data = json.loads(text)
        anchor = data.get("anchor")
        return cls(
            txn_id=data["txn_id"],
            target=data["target"],
            content=data["content"],
            to_member=bool(data.get("to_member")),
            event_type=data.get("event_type", "m.room.message"),
            anchor=(str(anchor[0]), int(anchor[1])) if anchor else None,
            attachments=tuple(
                (str(a[0]), str(a[1]), str(a[2])) for a in data.get("attachments", [])
            ),
        )


class AdapterState:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / FILENAME
        fresh = not self.path.exists()
        self._db = sqlite3.connect(self.path, isolation_level=None)
        if fresh:
            # It holds the bot's access token when it logged in with a password.
            os.chmod(self.path, 0o600)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # The login and the sync position.

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def put(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def sync_token(self) -> str | None:
        return self.get("sync_token")

    @sync_token.setter
    def sync_token(self, token: str) -> None:
        self.put("sync_token", token)

    # Direct rooms and circle rooms.

    def direct_room(self, user_id: str) -> str | None:
        row = self._db.execute(
            "SELECT room_id FROM direct_rooms WHERE user_id = ?", (user_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def direct_user(self, room_id: str) -> str | None:
        row = self._db.execute(
            "SELECT user_id FROM direct_rooms WHERE room_id = ?", (room_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def set_direct_room(self, user_id: str, room_id: str) -> None:
        self._db.execute(
            "INSERT INTO direct_rooms (user_id, room_id) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET room_id = excluded.room_id",
            (user_id, room_id),
        )

    def forget_direct_room(self, room_id: str) -> None:
        self._db.execute("DELETE FROM direct_rooms WHERE room_id = ?", (room_id,))

    # Members who declined the direct room: not invited again until `until` (epoch s).

    def unreachable_until(self, user_id: str) -> float | None:
        row = self._db.execute(
            "SELECT until FROM unreachable WHERE user_id = ?", (user_id,)
        ).fetchone()
        return float(row[0]) if row else None

    def set_unreachable(self, user_id: str, until: float | None) -> None:
        if until is None:
            self._db.execute("DELETE FROM unreachable WHERE user_id = ?", (user_id,))
        else:
            self._db.execute(
                "INSERT INTO unreachable (user_id, until) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET until = excluded.until",
                (user_id, until),
            )

    # Rooms upgraded (tombstoned) and the room that replaces each.

    def replacement(self, room_id: str) -> str | None:
        row = self._db.execute(
            "SELECT replacement FROM replaced_rooms WHERE room_id = ?", (room_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def replaced_by(self, replacement: str) -> str | None:
        row = self._db.execute(
            "SELECT room_id FROM replaced_rooms WHERE replacement = ?", (replacement,)
        ).fetchone()
        return str(row[0]) if row else None

    def set_replacement(self, room_id: str, replacement: str) -> None:
        self._db.execute(
            "INSERT INTO replaced_rooms (room_id, replacement) VALUES (?, ?) "
            "ON CONFLICT (room_id) DO UPDATE SET replacement = excluded.replacement",
            (room_id, replacement),
        )

    def forget_circle_room(self, room_id: str) -> str | None:
        """Forget a circle's room; the circle's name, if it had that room."""
        row = self._db.execute(
            "SELECT circle FROM circle_rooms WHERE room_id = ?", (room_id,)
        ).fetchone()
        if row is None:
            return None
        self._db.execute("DELETE FROM circle_rooms WHERE room_id = ?", (room_id,))
        return str(row[0])

    def circle_of_room(self, room_id: str) -> str | None:
        row = self._db.execute(
            "SELECT circle FROM circle_rooms WHERE room_id = ?", (room_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def circle_room(self, circle: str) -> str | None:
        row = self._db.execute(
            "SELECT room_id FROM circle_rooms WHERE circle = ?", (circle,)
        ).fetchone()
        return str(row[0]) if row else None

    def circle_rooms(self) -> set[str]:
        return {str(r[0]) for r in self._db.execute("SELECT room_id FROM circle_rooms")}

    def set_circle_room(self, circle: str, room_id: str) -> None:
        self._db.execute(
            "INSERT INTO circle_rooms (circle, room_id) VALUES (?, ?) "
            "ON CONFLICT (circle) DO UPDATE SET room_id = excluded.room_id",
            (circle, room_id),
        )

    # Reactions that cast something, so their redaction can withdraw it.

    def remember_reaction(self, event_id: str, reaction: StoredReaction) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO reactions (event_id, room_id, target_id, emoji, sender) "
            "VALUES (?, ?, ?, ?, ?)",
            (event_id, reaction.room_id, reaction.target_id, reaction.emoji, reaction.sender),
        )

    def reaction(self, event_id: str) -> StoredReaction | None:
        row = self._db.execute(
            "SELECT room_id, target_id, emoji, sender FROM reactions WHERE event_id = ?",
            (event_id,),
        ).fetchone()
        return StoredReaction(*row) if row else None

    def forget_reaction(self, event_id: str) -> None:
        self._db.execute("DELETE FROM reactions WHERE event_id = ?", (event_id,))

    # The outbox: written before sending, cleared once the homeserver has the event.

    def enqueue(self, messages: Iterable[Outgoing]) -> None:
        # One transaction, so a crash leaves all of a command's messages or none.
        with self._db:
            self._db.execute("BEGIN")
            for message in messages:
                self._db.execute(
                    "INSERT OR IGNORE INTO outbox (txn_id, body) VALUES (?, ?)",
                    (message.txn_id, message.to_json()),
                )

    def pending(self) -> list[Outgoing]:
        rows = self._db.execute("SELECT body FROM outbox ORDER BY seq").fetchall()
        return [Outgoing.from_json(str(r[0])) for r in rows]

    def sent(self, txn_id: str) -> None:
        self._db.execute("DELETE FROM outbox WHERE txn_id = ?", (txn_id,))
