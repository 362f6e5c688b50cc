"""What the Discord adapter itself says: Discord's own limits and permissions.

The core's replies are message keys rendered in the member's language; these few
texts are about Discord alone (a permission to grant, a Discord limit), so they
live with the adapter, in plain English like the adapter's other fixed answers.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

# Discord's names for the permissions Junto needs in a channel, in the order its
# settings list them.
PERMISSION_NAMES: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "add_reactions": "Add Reactions",
    "read_message_history": "Read Message History",
    "manage_events": "Manage Events",
    "manage_channels": "Manage Channels",
}


def names(missing: Iterable[str]) -> str:
    return ", ".join(PERMISSION_NAMES.get(p, p) for p in missing)


def grant_in_channel(channel_id: int, missing: Iterable[str], circle: str | None) -> str:
    what = f"notices and reviews of the circle {circle}" if circle else "Junto's notices"
    return (
        f"Junto can't use <#{channel_id}>: it lacks {names(missing)} there, so {what} "
        "can't be posted (and votes by reaction can't be seen). Ask a server admin to "
        "grant these to Junto's role in that channel's permissions."
    )


def circle_channel_warning(channel_id: int, missing: Iterable[str], circle: str) -> str:
    return (
        f"Note: the circle {circle} posts its notices and reviews in <#{channel_id}>, "
        f"but Junto lacks {names(missing)} there. Until a server admin grants these to "
        "Junto's role in that channel, its reminders and reviews can't be posted."
    )


def events_cannot_mirror(guild: str, reason: str, numbers: Iterable[int]) -> str:
    listed = ", ".join(f"#{n}" for n in sorted(numbers))
    return (
        f"Junto could not show some events of {guild} in Discord's Events list "
        f"({listed}): {reason}. The events themselves are fine and RSVPs still work "
        "with /event rsvp."
    )


EVENTS_CAP_REASON = (
    "the server already has 100 scheduled or active events, Discord's limit; "
    "they are added as older ones end or are cancelled"
)
EVENTS_FORBIDDEN_REASON = "Junto lacks the Manage Events permission; grant it to Junto's role"


def location_too_long(limit: int, length: int) -> str:
    return (
        f"On Discord an event's place can be at most {limit} characters (Discord's limit "
        f"for an event's location); this one has {length}. Use a shorter text or link, "
        "and put the details in the description (about:)."
    )


def file_too_large(filename: str, size: int, limit: int) -> str:
    return (
        f"(The file {filename} is {_megabytes(size)}, more than the {_megabytes(limit)} "
        "Discord lets Junto send here, so it is not attached.)"
    )


def too_many_files(kept: int) -> str:
    return f"(Discord takes at most {kept} files in one message; the rest are not attached.)"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def missing_permissions(permissions: discord.Permissions, wanted: Iterable[str]) -> list[str]:
    """The wanted permission names these permissions lack, in a stable order."""
    return [name for name in wanted if not getattr(permissions, name)]
