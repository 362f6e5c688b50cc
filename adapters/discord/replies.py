"""A core Reply as a Discord message: content, embeds and files within Discord's limits.

Private replies (errors, a member's own data) are ephemeral and read as plain
text. A public reply of one line stays plain text; a longer one becomes an embed
whose title is its first line, which reads better in a busy channel.
Times use Discord's `<t:...>` markup, so every reader sees their own zone.

Discord renders markdown and its `<t:…>`, `<@…>` and `<#…>` markup in content and
in an embed's description and fields, but shows an embed's title as typed. So a
first line with emphasis loses the marks in the title, and one with a time or a
mention is not made a title at all: it opens the description instead.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import discord

from adapters.discord import wording
from bot.rendering import Style, render
from bot.replies import Attachment, Reply

PREFIX = "/"
COLOUR = 0x2F9E8F

MAX_CONTENT = 2000
MAX_TITLE = 256
MAX_EMBED_TEXT = 4096
MAX_EMBEDS = 10
MAX_EMBEDS_TOTAL = 6000
MAX_FILES = 10
# A bot's upload limit where the interaction doesn't say: Discord's default, 10 MiB.
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


# Markup only the description renders: timestamps, mentions of members, roles and
# channels, custom emoji, command mentions.
_TAG = re.compile(r"<(?:t:-?\d+(?::[tTdDfFR])?|@[!&]?\d+|#\d+|a?:\w+:\d+|/[^<>:]+:\d+)>")
_LINK = re.compile(r"\[([^\]]+)\]\(<?https?://[^)\s]+>?\)")
# Paired emphasis, longest marks first, so `**bold**` is not read as two `*`.
_EMPHASIS = [
    re.compile(r"\*\*(\S(?:.*?\S)?)\*\*"),
    re.compile(r"__(\S(?:.*?\S)?)__"),
    re.compile(r"~~(\S(?:.*?\S)?)~~"),
    re.compile(r"\|\|(\S(?:.*?\S)?)\|\|"),
    re.compile(r"`([^`]+)`"),
    re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])"),
    re.compile(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)"),
]
_LINE_MARK = re.compile(r"^(?:#{1,3} |-# |> )")


def has_markup(text: str) -> bool:
    """Whether Discord would show marks in this text as typed were it a title."""
    return plain_title(text) != text


def plain_title(line: str) -> str | None:
    """The line as an embed title without the marks a title would show raw; None when
    it holds markup only a description renders (a time, a mention)."""
    if _TAG.search(line):
        return None
    text = _LINE_MARK.sub("", line)
    text = _LINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text.strip()


def style(timezone: str = "UTC") -> Style:
    return Style(ZoneInfo(timezone), prefix=PREFIX, native_timestamps=True)


@dataclass(frozen=True)
class Body:
    """What one message carries, as plain data (discord.py objects are made on sending,
    because a file can be sent only once)."""

    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    attachments: tuple[Attachment, ...] = ()
    ephemeral: bool = False

    def discord_embeds(self) -> list[discord.Embed]:
        return [discord.Embed.from_dict(e) for e in self.embeds]

    def discord_files(self) -> list[discord.File]:
        return [discord.File(io.BytesIO(a.data), filename=a.filename) for a in self.attachments]

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for discord.py's send methods (content, embeds, files)."""
        kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.discord_embeds()
        if self.attachments:
            kwargs["files"] = self.discord_files()
        return kwargs


def _chunks(text: str, size: int) -> list[str]:
    """Split on line ends where possible, so a list never breaks mid-line."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def text_body(text: str, *, ephemeral: bool, attachments: tuple[Attachment, ...] = ()) -> Body:
    lines = text.strip("\n").split("\n")
    fits = len(text) <= MAX_CONTENT
    if fits and (ephemeral or len(lines) == 1):
        return Body(text, [], attachments, ephemeral)
    title, rest = plain_title(lines[0]) or "", "\n".join(lines[1:]).strip("\n")
    if not title or len(title) > MAX_TITLE:
        title, rest = "", text.strip("\n")
    pieces = _chunks(rest, MAX_EMBED_TEXT) if rest else []
    total = len(title) + sum(len(p) for p in pieces)
    if len(pieces) > MAX_EMBEDS or total > MAX_EMBEDS_TOTAL:
        # Too long for any message: the first line, and the whole text as a file.
        summary = (lines[0][: MAX_CONTENT - 40] + "\n(the full text is attached)").strip()
        full = Attachment("junto-reply.txt", "text/plain", text.encode())
        return Body(summary, [], (*attachments, full), ephemeral)
    embeds: list[dict[str, Any]] = []
    for index, piece in enumerate(pieces or [""]):
        embed: dict[str, Any] = {"type": "rich", "color": COLOUR}
        if index == 0 and title:
            embed["title"] = title
        if piece:
            embed["description"] = piece
        embeds.append(embed)
    return Body("", embeds, attachments, ephemeral)


def sendable(
    attachments: tuple[Attachment, ...], upload_limit: int = DEFAULT_UPLOAD_LIMIT
) -> tuple[tuple[Attachment, ...], list[str]]:
    """The files Discord will take (each within the upload limit, ten at most), and a
    note for each left out, so the member knows rather than meets a refusal."""
    kept: list[Attachment] = []
    notes: list[str] = []
    for attachment in attachments:
        if len(attachment.data) > upload_limit:
            notes.append(
                wording.file_too_large(attachment.filename, len(attachment.data), upload_limit)
            )
        elif len(kept) < MAX_FILES:
            kept.append(attachment)
        elif not any("at most" in n for n in notes):
            notes.append(wording.too_many_files(MAX_FILES))
    return tuple(kept), notes


def body(
    reply: Reply,
    timezone: str = "UTC",
    *,
    ephemeral: bool | None = None,
    upload_limit: int = DEFAULT_UPLOAD_LIMIT,
) -> Body:
    """The message for a reply; `ephemeral` defaults to the reply's own privacy."""
    private = reply.private if ephemeral is None else ephemeral
    files, notes = sendable(tuple(reply.attachments), upload_limit)
    text = render(reply, style(timezone))
    if notes:
        text = "\n".join([text, *notes])
    made = text_body(text, ephemeral=private, attachments=files)
    if len(made.attachments) > MAX_FILES:
        # The long text itself went into a file: it takes the last place.
        made = Body(
            made.content,
            made.embeds,
            (*files[: MAX_FILES - 1], made.attachments[-1]),
            made.ephemeral,
        )
    return made
