"""Text in and out of Matrix: pills, reply fallbacks, and m.notice content.

Incoming, a pill (`<a href="https://matrix.to/#/@bob:example.org">Bob</a>`) is
turned back into the user id the shared parser understands. Outgoing, the
plain body is always there; an HTML body is added when formatting helps (line
breaks, `code`, mentions), with known members shown as pills.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

_PILL_PREFIX = "https://matrix.to/#/"
_USER_ID = re.compile(r"@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::\d+)?")
_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?'\"”]")
_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
# Shorter names would turn ordinary words into mentions.
_MIN_PILL_NAME = 3


class _TextFromHtml(HTMLParser):
    """Plain text from a formatted body: pills become user ids, replies are dropped."""

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pill: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mx-reply":
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            target = _pill_target(href)
            if target is not None:
                self._pill.append(target)
                return
            self._pill.append("")
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mx-reply":
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "a" and self._pill:
            target = self._pill.pop()
            if target:
                self.parts.append(target)

    def handle_data(self, data: str) -> None:
        # Text inside a pill is the display name, which the user id replaces.
        if self._skip or (self._pill and self._pill[-1]):
            return
        self.parts.append(data)


def _pill_target(href: str) -> str | None:
    if not href.startswith(_PILL_PREFIX):
        return None
    target = unquote(href[len(_PILL_PREFIX) :]).split("?", 1)[0]
    return target if target.startswith("@") else None


def incoming_text(body: str, formatted_body: str | None = None) -> str:
    """The command text of a message: pills as user ids, without any reply quote."""
    if formatted_body:
        parser = _TextFromHtml()
        parser.feed(formatted_body)
        parser.close()
        return "".join(parser.parts).strip()
    return strip_reply_fallback(body)


def strip_reply_fallback(body: str) -> str:
    """A reply's plain body starts with the quoted original (`> <@a:b> ...`) and a blank line."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body.strip()
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).strip()


def pill(user_id: str, name: str | None = None) -> str:
    href = _PILL_PREFIX + user_id
    return f'<a href="{html.escape(href)}">{html.escape(name or user_id)}</a>'


def to_html(text: str, names: Mapping[str, str] | None = None) -> str | None:
    """HTML for a rendered reply, or None when plain text says it all.

    `names` maps display names of known members to their user ids.
    """
    wanted = {n: u for n, u in (names or {}).items() if len(n) >= _MIN_PILL_NAME}
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick is just a character
        pieces = [text]
    chunks: list[str] = []
    formatted = "\n" in text.strip()
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            chunks.append(f"<code>{html.escape(piece)}</code>")
            formatted = True
            continue
        marked, changed = _mark_up(piece, wanted)
        # The wording marks emphasis the Markdown way, which Discord shows as is.
        marked, bold = _BOLD.subn(r"<strong>\1</strong>", marked)
        formatted = formatted or changed or bold > 0
        chunks.append(marked)
    if not formatted:
        return None
    return "".join(chunks).replace("\n", "<br/>\n")


def _mark_up(text: str, names: Mapping[str, str]) -> tuple[str, bool]:
    """Escape text, linking user ids, URLs and the display names of known members."""
    spans: list[tuple[int, int, str]] = []
    for match in _USER_ID.finditer(text):
        spans.append((match.start(), match.end(), pill(match.group())))
    for match in _URL.finditer(text):
        url = match.group()
        link = f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
        spans.append((match.start(), match.end(), link))
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w@])" + re.escape(name) + r"(?![\w:])")
        for match in pattern.finditer(text):
            spans.append((match.start(), match.end(), pill(names[name], name)))
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < position:
            continue  # overlaps a longer match already taken
        out.append(html.escape(text[position:start], quote=False))
        out.append(replacement)
        position = end
    out.append(html.escape(text[position:], quote=False))
    return "".join(out), bool(spans)


def notice_content(
    text: str,
    *,
    names: Mapping[str, str] | None = None,
    in_reply_to: str | None = None,
    mentions: list[str] | None = None,
) -> dict[str, Any]:
    """An m.notice: a plain body always, HTML when it helps, a reply relation when asked."""
    content: dict[str, Any] = {"msgtype": "m.notice", "body": text}
    formatted = to_html(text, names)
    if formatted is not None:
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = formatted
    if in_reply_to is not None:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
    # Explicit mentions: without them, a client may ping everyone a pill names.
    content["m.mentions"] = {"user_ids": sorted(set(mentions))} if mentions else {}
    return content


# Matrix caps an event at 65,536 bytes of JSON (signatures and hashes included). An
# encrypted one carries its content as JSON with non-ASCII escaped (up to six bytes a
# character), encrypted and base64'd (a third more); measured that escaped way, a
# notice's content stays below the cap either way.
MAX_CONTENT_BYTES = 40_000
# Text per event before it is measured: the HTML body roughly doubles it.
MAX_TEXT_BYTES = 12_000


def content_size(content: Mapping[str, Any]) -> int:
    """The content's size as JSON with non-ASCII escaped, as it is encrypted."""
    return len(json.dumps(content, separators=(",", ":")).encode())


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line.encode()) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = len(line.encode()[:limit].decode(errors="ignore"))
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate.encode()) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def notice_contents(
    text: str,
    *,
    names: Mapping[str, str] | None = None,
    in_reply_to: str | None = None,
    mentions: list[str] | None = None,
    limit: int = MAX_TEXT_BYTES,
) -> list[dict[str, Any]]:
    """One m.notice, or several in order when the text is too long for one event."""
    contents: list[dict[str, Any]] = []
    for piece in split_text(text, limit):
        content = notice_content(piece, names=names, in_reply_to=in_reply_to, mentions=mentions)
        if content_size(content) > MAX_CONTENT_BYTES and limit > 1000:
            # Markup made it too heavy: the piece is cut finer.
            contents.extend(
                notice_contents(
                    piece,
                    names=names,
                    in_reply_to=in_reply_to,
                    mentions=mentions,
                    limit=limit // 2,
                )
            )
        else:
            contents.append(content)
    return contents
