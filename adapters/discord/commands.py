"""The catalogue as Discord application commands, and interactions back as core calls.

Pure data in both directions, so it is tested without a gateway: `payloads`
builds the JSON that `PUT /applications/{id}/commands` takes, `read_command`
turns an INTERACTION_CREATE `data` object into a command name and the raw
arguments the core types itself (members arrive as `MemberRef`, everything else
as text, exactly as a text adapter would pass them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.commands import Arg, Catalogue, Command, Kind
from bot.model.members import MemberRef
from bot.model.settings import SETTINGS

PLATFORM = "discord"

# Discord's application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
USER = 6

# Discord's limits on commands (documented under "Application Command Object").
MAX_COMMANDS = 100
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
MAX_STRING = 6000
MAX_CHOICE_TEXT = 100
# Options whose value becomes a Discord field with a smaller limit than the core's:
# an event's `where` is its scheduled event's location, 100 characters.
PLATFORM_MAX_LENGTH = {"where": 100}
_NAME = re.compile(r"^[-_\w]{1,32}$")

# Number arguments whose objects people pick from a list rather than remember.
SUGGESTED_NUMBERS = frozenset({"event", "request", "agreement", "auction"})

# A group has no help line of its own in the catalogue; these read better than a list.
GROUP_HELP: dict[str, str] = {
    "profile": "Your profile: context, time zone, skills; link accounts",
    "circle": "Learning circles: create, join, leave, leads",
    "event": "Events of a circle: schedule, RSVP, check in, calendar",
    "review": "Peer review of an event: vote at level or below",
    "voucher": "Time vouchers: issue, give, redeem hours of members' time",
    "provider": "Providers who teach skills for vouchers",
    "agreement": "Learning agreements held in escrow until a skill is shown",
    "auction": "Auctions of vouchers for pledges",
    "admin": "Community settings and roles (admins)",
    "badge": "Badges: list, award, export, verify",
    "journal": "Your learning journal",
    "data": "Your data: export it, or ask to be forgotten",
}


@dataclass(frozen=True)
class Localizations:
    """Descriptions in other languages, by Discord locale (`es-ES`, `de`, ...), each a
    mapping from the English text to its translation. Missing entries stay English."""

    by_locale: Mapping[str, Mapping[str, str]]

    def of(self, english: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for locale, table in sorted(self.by_locale.items()):
            text = table.get(english)
            if text:
                found[locale] = _clip(text, MAX_DESCRIPTION)
        return found


NO_LOCALIZATIONS = Localizations({})


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


# Advice for typing text commands means nothing next to a Discord option box.
_TEXT_ADVICE = re.compile(r"\s*\(quote it[^)]*\)", re.IGNORECASE)


def _description(text: str) -> str:
    clipped = _clip(_TEXT_ADVICE.sub("", text), MAX_DESCRIPTION)
    return clipped[:1].upper() + clipped[1:] if clipped else "-"


def _described(payload: dict[str, Any], english: str, locales: Localizations) -> dict[str, Any]:
    payload["description"] = _description(english)
    translated = locales.of(english)
    if translated:
        payload["description_localizations"] = translated
    return payload


def _check_name(name: str, where: str) -> None:
    if not _NAME.match(name) or name != name.lower():
        raise ValueError(f"{where}: {name!r} can't be a Discord command or option name")


def suggestion_kind(arg: Arg) -> str | None:
    """What an argument autocompletes from, if anything."""
    if arg.kind is Kind.CIRCLE:
        return "circle"
    if arg.kind is Kind.NUMBER and arg.name in SUGGESTED_NUMBERS:
        return arg.name
    if arg.kind is Kind.SETTING and len(SETTINGS) > MAX_CHOICES:
        return "setting"
    return None


def option(arg: Arg, locales: Localizations = NO_LOCALIZATIONS) -> dict[str, Any]:
    _check_name(arg.name, f"option {arg.name}")
    payload: dict[str, Any] = {"name": arg.name, "type": STRING}
    _described(payload, arg.help, locales)
    if arg.required:
        payload["required"] = True
    match arg.kind:
        case Kind.MEMBER:
            payload["type"] = USER
        case Kind.INTEGER:
            payload["type"] = INTEGER
            if arg.low is not None:
                payload["min_value"] = arg.low
            if arg.high is not None:
                payload["max_value"] = arg.high
        case Kind.CHOICE:
            if len(arg.choices) > MAX_CHOICES:
                raise ValueError(f"option {arg.name}: more than {MAX_CHOICES} choices")
            payload["choices"] = [{"name": c, "value": c} for c in arg.choices]
        case Kind.SETTING if len(SETTINGS) <= MAX_CHOICES:
            payload["choices"] = [{"name": name, "value": name} for name in SETTINGS]
        case Kind.TEXT | Kind.REST:
            payload["max_length"] = min(
                arg.max_length, PLATFORM_MAX_LENGTH.get(arg.name, MAX_STRING), MAX_STRING
            )
        case _:
            pass
    if suggestion_kind(arg) is not None:
        payload["autocomplete"] = True
    return payload


def _options(command: Command, locales: Localizations) -> list[dict[str, Any]]:
    if len(command.args) > MAX_OPTIONS:
        raise ValueError(f"/{command.name}: more than {MAX_OPTIONS} options")
    # Discord wants required options first; they are named, so order is only display.
    ordered = [a for a in command.args if a.required] + [a for a in command.args if not a.required]
    return [option(a, locales) for a in ordered]


def payloads(
    catalogue: Catalogue | Iterable[Command], locales: Localizations = NO_LOCALIZATIONS
) -> list[dict[str, Any]]:
    """One chat-input command per group (its commands as subcommands), and one per
    single-word command. Guild-only: a Junto community is a guild."""
    top: dict[str, dict[str, Any]] = {}
    for command in catalogue:
        words = command.name.split(" ")
        for word in words:
            _check_name(word, f"/{command.name}")
        if len(words) == 1:
            if words[0] in top:
                raise ValueError(f"/{command.name} is both a command and a group")
            top[words[0]] = _described(
                {"name": words[0], "type": 1, "options": _options(command, locales)},
                command.help,
                locales,
            )
            continue
        if len(words) != 2:
            raise ValueError(f"/{command.name}: Discord nests at most a group and a subcommand")
        group, sub = words
        entry = top.get(group)
        if entry is None:
            entry = _described(
                {"name": group, "type": 1, "options": []},
                GROUP_HELP.get(group, f"Junto's {group} commands"),
                locales,
            )
            top[group] = entry
        elif entry["options"] and entry["options"][0]["type"] != SUB_COMMAND:
            raise ValueError(f"/{command.name}: {group} is both a command and a group")
        if len(entry["options"]) >= MAX_OPTIONS:
            raise ValueError(f"/{group} has more than {MAX_OPTIONS} subcommands")
        entry["options"].append(
            _described(
                {"name": sub, "type": SUB_COMMAND, "options": _options(command, locales)},
                command.help,
                locales,
            )
        )
    if len(top) > MAX_COMMANDS:
        raise ValueError(f"more than {MAX_COMMANDS} top-level commands")
    result = []
    for entry in top.values():
        entry["contexts"] = [0]
        entry["integration_types"] = [0]
        result.append(entry)
    return result


# ---------------------------------------------------------------- comparing for sync


def _canonical_option(raw: Mapping[str, Any]) -> dict[str, Any]:
    kind = int(raw.get("type", STRING))
    found: dict[str, Any] = {
        "name": raw["name"],
        "type": kind,
        "description": raw.get("description") or "",
        "description_localizations": dict(raw.get("description_localizations") or {}),
    }
    if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
        found["options"] = [_canonical_option(o) for o in raw.get("options") or []]
        return found
    found.update(
        required=bool(raw.get("required", False)),
        autocomplete=bool(raw.get("autocomplete", False)),
        choices=[(c["name"], c["value"]) for c in raw.get("choices") or []],
        min_value=raw.get("min_value"),
        max_value=raw.get("max_value"),
        max_length=raw.get("max_length"),
    )
    return found


def canonical(commands: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What matters of a set of commands, whether built here or fetched from Discord
    (which adds ids, versions and defaults), so the two compare equal when in sync."""
    found = []
    for raw in commands:
        if int(raw.get("type", 1)) != 1:
            continue
        entry = _canonical_option({**raw, "type": SUB_COMMAND})
        entry["type"] = 1
        if not any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in entry["options"]):
            entry["options"] = [_canonical_option(o) for o in raw.get("options") or []]
        entry["contexts"] = sorted(raw.get("contexts") or [])
        found.append(entry)
    return sorted(found, key=lambda c: str(c["name"]))


def in_sync(wanted: Sequence[Mapping[str, Any]], registered: Sequence[Mapping[str, Any]]) -> bool:
    return canonical(wanted) == canonical(registered)


# ---------------------------------------------------------------- interactions in


@dataclass(frozen=True)
class Invocation:
    """A slash command as the core wants it: the catalogue name and raw arguments."""

    command: str
    args: dict[str, Any]
    # The option being typed, for an autocomplete interaction.
    focused: str | None = None
    typed: str = ""


def _display_names(resolved: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for user_id, user in (resolved.get("users") or {}).items():
        names[user_id] = user.get("global_name") or user.get("username") or user_id
    for user_id, member in (resolved.get("members") or {}).items():
        if member.get("nick"):
            names[user_id] = member["nick"]
    return names


def read_command(data: Mapping[str, Any]) -> Invocation:
    """An INTERACTION_CREATE `data` object (type 2 or 4) as a catalogue call."""
    words = [str(data["name"])]
    options: Sequence[Mapping[str, Any]] = data.get("options") or []
    while options and int(options[0].get("type", 0)) in (SUB_COMMAND, SUB_COMMAND_GROUP):
        words.append(str(options[0]["name"]))
        options = options[0].get("options") or []
    names = _display_names(data.get("resolved") or {})
    args: dict[str, Any] = {}
    focused: str | None = None
    typed = ""
    for entry in options:
        name = str(entry["name"])
        value = entry.get("value")
        if entry.get("focused"):
            focused, typed = name, str(value or "")
            continue
        if int(entry.get("type", STRING)) == USER:
            user_id = str(value)
            args[name] = MemberRef(PLATFORM, user_id, names.get(user_id))
        elif value is not None:
            args[name] = str(value)
    return Invocation(" ".join(words), args, focused, typed)


def choices(found: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Autocomplete choices within Discord's limits."""
    result = []
    for label, value in found:
        result.append({"name": _clip(label, MAX_CHOICE_TEXT), "value": value[:MAX_CHOICE_TEXT]})
        if len(result) == MAX_CHOICES:
            break
    return result
