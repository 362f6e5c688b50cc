"""Wording for community settings and roles."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "role.member": "member",
    "role.admin": "admin",
    "role.assessor": "assessor",
    "role.trustee": "trustee",
    # Administration.
    "admin.settings": (
        "Community settings (`{prefix}admin settings <name> <value>` to change):\n{lines}"
    ),
    "admin.setting_line": "- {name} = {value}{default}: {help}",
    "admin.setting_default": " (default)",
    "admin.setting_set": "{name} is now {value} (was {old}).",
    "admin.setting_unknown": "There is no setting “{name}”. `{prefix}admin settings` lists them.",
    "admin.setting_value": "{name} takes {kind}; “{value}” won't do.",
    "admin.setting_order": (
        "{low} ({low_value}) can't be more than {high} ({high_value}); change {high} "
        "first, or choose a smaller {low}."
    ),
    "admin.setting_pathway": (
        "The pathway would need {size} badges from a set of only {counted}; nobody could "
        "ever complete it. Add badges to pathway_badges or lower pathway_size."
    ),
    "admin.value_missing": "Give a value too: `{prefix}admin settings {name} <value>`.",
    "admin.role_granted": "{member} is now {role}.",
    "admin.role_removed": "{member} is no longer {role}.",
    "admin.role_unchanged": "{member} {state} {role} already; nothing changed.",
    "admin.last_admin": "{member} is the last admin; make someone else admin first.",
}
