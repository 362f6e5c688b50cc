"""Wording shared by every noun: input that could not be understood, commands, roles.

`{prefix}` is the reader's command prefix (`!` in text, `/` on Discord).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Input that could not be understood.
    "input.duration": (
        "I couldn't read “{value}” as a duration. Try `2`, `1.5`, `2h`, `90m` or `1h30m` "
        "(a bare number means hours)."
    ),
    "input.duration_huge": "“{value}” is far too long a time; give hours like `2` or `1h30m`.",
    "input.duration_whole": "“{value}” is not a whole number of minutes; try `1h30m` or `90m`.",
    "input.timezone": (
        "“{value}” is not a time zone I know. Use an IANA name such as `{hint}` "
        "(see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)."
    ),
    "input.instant": (
        "I couldn't read “{value}” as a date and time. Write it in your own time zone as "
        "`2026-12-01 18:00`, or in ISO 8601 with an offset (`2026-12-01T18:00+01:00`)."
    ),
    "input.instant_range": (
        "“{value}” is outside the dates I can work with: give one between the years 1900 and 2999."
    ),
    "input.instant_gap": (
        "{value} does not exist in {zone}: the clocks skip over it when daylight saving "
        "time begins. The first time after it is `{next}`."
    ),
    "input.unstorable": (
        "{name} has a character I can't store (a NUL, or half of a UTF-16 surrogate "
        "pair); remove it and try again."
    ),
    "input.unstorable_message": (
        "Your message has a character I can't read or store (a NUL, half of a UTF-16 "
        "surrogate pair, or bytes that aren't UTF-8); remove it and try again."
    ),
    "input.unstorable_speaker": (
        "Your name or id on this platform can't be stored (it is over 255 characters, or "
        "has a NUL or half of a UTF-16 surrogate pair), so I can't take commands from it."
    ),
    "input.too_long": "The {field} is too long: at most {limit} characters, please.",
    "input.empty": "The {field} can't be empty.",
    "input.name": (
        "“{value}” can't be a circle name. Use 3 to 32 lower-case letters, digits and "
        "single hyphens, starting and ending with a letter or digit, like `spanish-a2`."
    ),
    "input.integer": "“{value}” is not a whole number; {name} takes one like `12`.",
    "input.range": "{name} must be between {low} and {high}; you gave {value}.",
    "input.choice": "{name} must be one of {choices}; you gave “{value}”.",
    "input.number_ref": "“{value}” is not a number like `12` or `#12`.",
    "input.quote": "A quote is never closed in your message; close it and try again.",
    "input.missing": "{name} is missing. Usage: `{prefix}{usage}`",
    "input.extra": "I didn't expect “{value}” there. Usage: `{prefix}{usage}`",
    "input.unknown_option": "{command} has no option called “{option}”. Usage: `{prefix}{usage}`",
    "input.twice": "{name} was given twice. Usage: `{prefix}{usage}`",
    "input.member": "Mention a member like `@bob` for {name}; you gave “{value}”.",
    "page.past_end": (
        "There is no page {page}: the list ends before it. `{prefix}{command}` shows its "
        "first page."
    ),
    "page.more": "\nMore: `{prefix}{command}`",
    "page.number": " (page {page})",
    "command.unknown": "I don't know the command “{command}”. Did you mean `{prefix}{suggestion}`?",
    "command.unknown_nohint": (
        "I don't know the command “{command}”. `{prefix}help` lists what I can do."
    ),
    "command.empty": "Say a command after `{prefix}`, or `{prefix}help` to see them all.",
    "command.forbidden": "Only {who} may use `{prefix}{command}`.",
    "reaction.ignored": "That reaction changes nothing here.",
    "error.unavailable": "The database is unavailable, try again in a moment.",
    "error.internal": (
        "Something went wrong on my side and nothing was changed. Please try again; "
        "if it keeps happening, tell an admin (reference {ref})."
    ),
    "who.admin": "community admins",
    "who.assessor": "assessors",
    "who.trustee": "trustees",
    "who.lead": "the circle's leads",
    "who.member": "members",
    # Members and profiles.
    "member.unknown": (
        "I don't know a member “{value}” in this community yet; members appear once they "
        "have spoken to me. `{prefix}circle list` shows circles and their members."
    ),
    "member.ambiguous": "Several members are called “{value}”; mention the one you mean.",
}
