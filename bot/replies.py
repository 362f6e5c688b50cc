"""What the core says back: message keys and parameters, not text.

Rendering lives in bot/rendering.py so wording stays in one translatable place.
Parameters are JSON values so a reply can be stored under its command key and
returned unchanged when the key repeats. Instants are tagged so each reader sees
their own time zone.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JSON = Any


def instant(value: datetime) -> dict[str, str]:
    return {"$instant": value.isoformat()}


def nested(key: str, **params: JSON) -> dict[str, JSON]:
    """A message inside a message: lines of a list, parts of a summary."""
    return {"$key": key, "$params": params}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Anchor:
    """The object a posted message stands for, so reactions on it reach it."""

    kind: str
    object_id: int


@dataclass(frozen=True)
class Reply:
    key: str
    params: Mapping[str, JSON] = field(default_factory=dict)
    private: bool = False
    attachments: Sequence[Attachment] = ()
    anchor: Anchor | None = None

    def to_json(self) -> dict[str, JSON]:
        return {
            "key": self.key,
            "params": dict(self.params),
            "private": self.private,
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "data": base64.b64encode(a.data).decode("ascii"),
                }
                for a in self.attachments
            ],
            "anchor": [self.anchor.kind, self.anchor.object_id] if self.anchor else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> Reply:
        anchor = data.get("anchor")
        return cls(
            key=data["key"],
            params=data.get("params", {}),
            private=bool(data.get("private")),
            attachments=tuple(
                Attachment(a["filename"], a["content_type"], base64.b64decode(a["data"]))
                for a in data.get("attachments", [])
            ),
            anchor=Anchor(anchor[0], int(anchor[1])) if anchor else None,
        )


@dataclass(frozen=True)
class Address:
    """Where a notice goes on one platform: a person, or a place people talk."""

    platform: str
    kind: str  # "member" or "place"
    external_id: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class Notice:
    """Something the core tells someone besides the caller.

    `community` is the slug of the community it was said in: an adapter serving
    several communities delivers it, and falls back to a public place, only inside
    that one."""

    reply: Reply
    member_id: int | None = None
    circle_id: int | None = None
    addresses: Sequence[Address] = ()
    community: str | None = None

    def only(self, addresses: Sequence[Address]) -> Notice:
        """The same notice for some of its addresses (those still to be delivered)."""
        return Notice(self.reply, self.member_id, self.circle_id, tuple(addresses), self.community)


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    notices: Sequence[Notice] = ()
    replayed: bool = False
    # Zones to render in: the caller's for a private reply, the community's for a public one.
    actor_timezone: str = "UTC"
    community_timezone: str = "UTC"
    # The command was refused (or failed) and changed nothing; a platform may undo
    # what the member did to ask (a reaction, say).
    refused: bool = False


# A refusal may quote what was typed; a pasted page is quoted only so far.
_QUOTED = 300


def error_reply(code: str, params: Mapping[str, JSON]) -> Reply:
    return Reply(code, {k: _quoted(_jsonable(v)) for k, v in params.items()}, private=True)


def _quoted(value: JSON) -> JSON:
    if isinstance(value, str) and len(value) > _QUOTED:
        return value[:_QUOTED] + "…"
    return value


def internal_error(log: logging.Logger, what: str, error: BaseException | None = None) -> Reply:
    """The private answer to a bug: never a trace in chat, and a reference that
    finds the full story in the log."""
    ref = secrets.token_hex(4)
    log.error("%s failed, ref %s", what, ref, exc_info=error)
    return error_reply("error.internal", {"ref": ref})


def _jsonable(value: JSON) -> JSON:
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)
