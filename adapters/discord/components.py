"""Buttons on Junto's posts. A click is the same core command a member could type:
the RSVP buttons of an event post run `event rsvp <number> going|maybe|no`."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.replies import Reply

RSVP_PREFIX = "junto:rsvp"
RSVP_ANSWERS = (
    ("going", "Going", discord.ButtonStyle.success),
    ("maybe", "Maybe", discord.ButtonStyle.secondary),
    ("no", "Not going", discord.ButtonStyle.danger),
)
_RSVP = re.compile(rf"^{RSVP_PREFIX}:(\d{{1,9}}):(going|maybe|no)$")


def rsvp_id(number: int, answer: str) -> str:
    return f"{RSVP_PREFIX}:{number}:{answer}"


def read_rsvp(custom_id: str) -> tuple[str, dict[str, Any]] | None:
    """A clicked RSVP button as a catalogue command and its raw arguments."""
    match = _RSVP.match(custom_id)
    if match is None:
        return None
    return "event rsvp", {"event": match.group(1), "answer": match.group(2)}


def event_number(reply: Reply) -> int | None:
    """The number of the event a post stands for, if it is one people can answer."""
    if reply.anchor is None or reply.anchor.kind != "event":
        return None
    number = reply.params.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def event_view(reply: Reply) -> discord.ui.View | None:
    """RSVP buttons for a post that stands for an event, else None."""
    number = event_number(reply)
    if number is None:
        return None
    view = discord.ui.View(timeout=None)
    for answer, label, style in RSVP_ANSWERS:
        view.add_item(
            discord.ui.Button(label=label, style=style, custom_id=rsvp_id(number, answer))
        )
    # A stopped view is only a layout: discord.py keeps no callback for it, and the
    # adapter routes every click itself, also after a restart.
    view.stop()
    return view
