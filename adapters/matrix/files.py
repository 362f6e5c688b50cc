"""Literal text for a command's trailing argument: a credential to verify, for instance.

The shared parser reads quotes as grouping, which would spoil pasted JSON. So a
command that leaves its trailing free-text argument empty may take it verbatim
from a code block in the message, from JSON pasted after the command, from a
file whose caption is the command (`!badge verify` as the caption of
`badge-3.json`), or from the file message the command replies to.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from nio import (
    AsyncClient,
    MemoryDownloadResponse,
    RoomEncryptedMedia,
    RoomGetEventResponse,
    RoomMessageMedia,
)
from nio.crypto import decrypt_attachment

from adapters.text import ParsedCommand
from bot.commands import Catalogue, Kind

log = logging.getLogger("junto.matrix")

# Larger files are not read: no command takes more text than this.
MAX_BYTES = 256 * 1024


_FENCE = re.compile(r"```[\w+-]*\n?(.*?)```", re.DOTALL)
_PRE = re.compile(r"<pre><code[^>]*>(.*?)</code></pre>", re.DOTALL)


def literal(text: str, formatted: str | None) -> tuple[str, str] | None:
    """Split a command from the literal text it carries: (the command, the literal)."""
    pre = _PRE.search(formatted or "")
    if pre is not None:
        block = html.unescape(pre.group(1)).strip()
        if block and block in text:
            return text.replace(block, " ", 1).strip(), block
    fenced = _FENCE.search(text)
    if fenced is not None:
        return (text[: fenced.start()] + text[fenced.end() :]).strip(), fenced.group(1).strip()
    # JSON pasted straight after the command words.
    opening = re.search(r"\s[\[{]", text)
    if opening is not None:
        pasted = text[opening.start() :].strip()
        try:
            json.loads(pasted)
        except ValueError:
            return None
        return text[: opening.start()].strip(), pasted
    return None


def caption(event: Any) -> str | None:
    """A media message's caption: its body, when a separate filename is given."""
    content = event.source.get("content", {})
    filename = content.get("filename")
    body = content.get("body")
    if isinstance(filename, str) and isinstance(body, str) and body != filename:
        return body
    return None


def replied_to(event: Any) -> str | None:
    relates = event.source.get("content", {}).get("m.relates_to") or {}
    target = (relates.get("m.in_reply_to") or {}).get("event_id")
    return str(target) if target else None


def wants_text(parsed: ParsedCommand, catalogue: Catalogue) -> str | None:
    """The name of the command's trailing free-text argument, when it was left out."""
    command = catalogue.get(parsed.command)
    if command is None or not command.args:
        return None
    last = command.args[-1]
    if last.kind is not Kind.REST or last.name in parsed.args:
        return None
    return last.name


async def file_text(client: AsyncClient, event: Any) -> str | None:
    """The text of a file message, decrypted if need be; None for anything else."""
    if not isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
        return None
    size = (event.source.get("content", {}).get("info") or {}).get("size")
    if isinstance(size, int) and size > MAX_BYTES:
        return None
    downloaded = await client.download(mxc=event.url)
    if not isinstance(downloaded, MemoryDownloadResponse):
        log.info("could not fetch the file of %s: %s", event.event_id, downloaded)
        return None
    data: bytes = downloaded.body
    if isinstance(event, RoomEncryptedMedia):
        try:
            data = decrypt_attachment(data, event.key["k"], event.hashes["sha256"], event.iv)
        except Exception as error:  # a broken or tampered file reads as no file
            log.info("could not decrypt the file of %s: %s", event.event_id, error)
            return None
    if len(data) > MAX_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


async def replied_file_text(client: AsyncClient, room_id: str, event: Any) -> str | None:
    """The text of the file message this message replies to, if it replies to one."""
    target = replied_to(event)
    if target is None:
        return None
    found = await client.room_get_event(room_id, target)
    if not isinstance(found, RoomGetEventResponse):
        return None
    original = found.event
    if client.olm is not None and original.__class__.__name__ == "MegolmEvent":
        try:
            original = client.decrypt_event(original)
        except Exception:  # the key never reached this device
            return None
    return await file_text(client, original)
