"""Wording for circles and their seats."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
    "circle.list": "Circles{page}:\n{lines}{more}",
    "circle.list_line": "- {name}: {topic} ({status}, {count}/{size}{waiting})",
    "circle.list_empty": (
        "There are no circles yet. Start one with `{prefix}circle create <name> <topic>`."
    ),
    "status.forming": "forming",
    "status.active": "active",
    "status.archived": "archived",
}
