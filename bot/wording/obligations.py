"""Wording for yearly obligations and nudges."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Obligations.
    "obligations.report": (
        "{member}, membership year {year} ({start} to {end}), {days_left} days left:\n"
        "Attended {attended} of {attend_required} validated events ({attend_left} left).\n"
        "Hosted {hosted} of {host_required} validated events ({host_left} left).\n"
        "Status: {status}. {standing}{hint}"
    ),
    "obligations.status_met": "met",
    "obligations.status_on_track": "on track",
    "obligations.status_behind": "behind",
    "obligations.good_first_year": "Good standing: yes (first membership year).",
    "obligations.good": "Good standing: yes (last year's obligations were met).",
    "obligations.not_good": "Good standing: no (last year's obligations were not met).",
    "obligations.behind_hint": (
        "\n`{prefix}event list` shows upcoming events to attend; a circle's lead can schedule "
        "one for you to host."
    ),
    "obligations.nudge": (
        "A quarterly nudge: this membership year you have attended {attended} of "
        "{attend_required} validated events and hosted {hosted} of {host_required}, with "
        "{days_left} days left. `{prefix}event list` shows what's coming up."
    ),
}
