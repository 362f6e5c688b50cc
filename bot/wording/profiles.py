"""Wording for profiles and linking identities."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
}
