"""The English wording of every reply, by message key.

`{prefix}` is the reader's command prefix (`!` in text, `/` on Discord).
Each later noun keeps its wording in a module of its own (`messages_events`,
`messages_ledger`), merged here.
"""

from __future__ import annotations

from bot.messages_badges import MESSAGES_BADGES
from bot.messages_events import MESSAGES_EVENTS
from bot.messages_journeys import MESSAGES_JOURNEYS
from bot.messages_ledger import MESSAGES_LEDGER

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
    "command.unknown": "I don't know the command “{command}”. Did you mean `{prefix}{suggestion}`?",
    "command.unknown_nohint": (
        "I don't know the command “{command}”. `{prefix}help` lists what I can do."
    ),
    "command.empty": "Say a command after `{prefix}`, or `{prefix}help` to see them all.",
    "command.forbidden": "Only {who} may use `{prefix}{command}`.",
    "reaction.ignored": "That reaction changes nothing here.",
    "error.internal": (
        "Something went wrong on my side and nothing was changed. Please try again; "
        "if it keeps happening, tell an admin (reference {ref})."
    ),
    "who.admin": "community admins",
    "who.assessor": "assessors",
    "who.trustee": "trustees",
    "who.lead": "the circle's leads",
    "who.member": "members",
    # Help.
    "help.all": "Commands (say `{prefix}help <command>` for more):\n{lines}",
    "help.line": "`{prefix}{usage}` - {help}",
    "help.one": "`{prefix}{usage}`\n{help}\nWho: {who}.{details}",
    "help.arg": "  {name}: {help}",
    "help.unknown": "There is no command “{command}”. `{prefix}help` lists them all.",
    # Members and profiles.
    "member.unknown": (
        "I don't know a member “{value}” in this community yet; members appear once they "
        "have spoken to me. `{prefix}circle list` shows circles and their members."
    ),
    "member.ambiguous": "Several members are called “{value}”; mention the one you mean.",
    "profile.updated": "Your profile is updated.\n{profile}",
    "profile.nothing": (
        'Tell me what to change, e.g. `{prefix}profile set context:"Bournemouth, UK" '
        "timezone:Europe/London offers:tutoring seeks:spanish`."
    ),
    "profile.card": (
        "{name}\nContext: {context}\nTime zone: {timezone}\nOffers: {offers}\nSeeks: {seeks}\n"
        "Member since: {joined}\nRoles: {roles}{identities}"
    ),
    "profile.identities": "\nLinked identities: {identities}",
    "profile.link_code": (
        "Your link code is `{code}`. Within {minutes} minutes, say `{prefix}profile link {code}` "
        "from your other account (on any platform this community uses) to join them."
    ),
    "profile.linked": "Linked: this account now belongs to {name}.",
    "profile.link_bad": (
        "That link code is unknown or has expired. Say `{prefix}profile link` from your other "
        "account to get a new one."
    ),
    "profile.link_self": "This account already belongs to that member; nothing to link.",
    "profile.link_busy": (
        "This account already has its own history here (circles or roles), so I won't merge "
        "it. Ask an admin if you need the two joined."
    ),
    "role.member": "member",
    "role.admin": "admin",
    "role.assessor": "assessor",
    "role.trustee": "trustee",
    # Circles.
    "circle.unknown": (
        "There is no circle called “{value}”. `{prefix}circle list` shows the circles here."
    ),
    "circle.exists": "A circle called “{name}” exists already; pick another name.",
    "circle.created": (
        "Circle {name} (#{number}) is created: {topic}. You are its first lead. It is forming "
        "until it has {min_members} members from {min_contexts} different contexts."
    ),
    "circle.size_range": "A circle's size must be between {low} and {high}; you gave {value}.",
    "circle.joined": "Welcome to {name}! {count}/{size} members.{hint}",
    "circle.context_hint": (
        ' Tip: set where you learn or work with `{prefix}profile set context:"City, Country"`; '
        "circles balance their contexts."
    ),
    "circle.waiting": (
        "{name} is full ({size} members), so you are on its waiting list at position "
        "{position}. When a place frees up, the first waiting member whose context is least "
        "represented gets it.{hint}"
    ),
    "circle.already_member": "You are already a member of {name}.",
    "circle.already_waiting": "You are already on {name}'s waiting list, at position {position}.",
    "circle.not_member": "You are not a member of {name}, nor on its waiting list.",
    "circle.left": "You have left {name}.",
    "circle.left_waiting": "You are off {name}'s waiting list.",
    "circle.last_lead": (
        "You are the last lead of {name}, so you can't leave yet. Name another lead with "
        "`{prefix}circle lead {name} @member`, or archive it with `{prefix}circle archive {name}`."
    ),
    "circle.admitted": "A place freed up in {name}, and it is yours: welcome!",
    "circle.admitted_public": "{member} joins {name} from the waiting list.",
    "circle.became_active": (
        "{name} is now active: {count} members from {contexts} contexts. Its events now count."
    ),
    "circle.became_forming": (
        "{name} is forming again: it needs {min_members} members from {min_contexts} contexts "
        "for its events to count."
    ),
    "circle.archived": "Circle {name} is archived.",
    "circle.is_archived": "{name} is archived; it takes no new members.",
    "circle.not_lead": "Only the leads of {name} (or an admin) may do that.",
    "circle.lead_added": "{member} is now a lead of {name}.",
    "circle.already_lead": "{member} is already a lead of {name}.",
    "circle.lead_not_member": "{member} must be a member of {name} before they can lead it.",
    "circle.info": (
        "{name} (#{number}): {topic}\nStatus: {status}\nMembers: {count}/{size} from "
        "{contexts} contexts{waiting}\nLeads: {leads}\n{members}"
    ),
    "circle.info_waiting": ", {count} waiting",
    "circle.info_member": "- {name} ({context})",
    "circle.list": "Circles:\n{lines}",
    "circle.list_line": "- {name}: {topic} ({status}, {count}/{size}{waiting})",
    "circle.list_empty": (
        "There are no circles yet. Start one with `{prefix}circle create <name> <topic>`."
    ),
    "status.forming": "forming",
    "status.active": "active",
    "status.archived": "archived",
    # Administration.
    "admin.settings": (
        "Community settings (`{prefix}admin settings <name> <value>` to change):\n{lines}"
    ),
    "admin.setting_line": "- {name} = {value}{default}: {help}",
    "admin.setting_default": " (default)",
    "admin.setting_set": "{name} is now {value} (was {old}).",
    "admin.setting_unknown": "There is no setting “{name}”. `{prefix}admin settings` lists them.",
    "admin.setting_value": "{name} takes {kind}; “{value}” won't do.",
    "admin.value_missing": "Give a value too: `{prefix}admin settings {name} <value>`.",
    "admin.role_granted": "{member} is now {role}.",
    "admin.role_removed": "{member} is no longer {role}.",
    "admin.role_unchanged": "{member} {state} {role} already; nothing changed.",
    "admin.last_admin": "{member} is the last admin; make someone else admin first.",
}

for _part in (MESSAGES_EVENTS, MESSAGES_LEDGER, MESSAGES_BADGES, MESSAGES_JOURNEYS):
    _clash = MESSAGES.keys() & _part.keys()
    if _clash:
        raise RuntimeError(f"message keys declared twice: {sorted(_clash)}")
    MESSAGES.update(_part)
