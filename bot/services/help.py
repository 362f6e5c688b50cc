"""`help`: generated from the catalogue, so it is never out of date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who
from bot.replies import Reply, nested


async def show_help(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    wanted = " ".join((args.get("command") or "").lower().lstrip("!/").split())
    if not wanted:
        lines = [nested("help.line", usage=c.usage(), help=c.help) for c in ctx.catalogue]
        return Reply("help.all", {"lines": lines}, private=True)
    command = ctx.catalogue.get(wanted)
    if command is not None:
        details = [nested("help.arg", name=a.name, help=a.help) for a in command.args]
        return Reply(
            "help.one",
            {
                "usage": command.usage(),
                "help": command.help,
                "who": command.who.value,
                "details": ["", *details] if details else "",
            },
            private=True,
        )
    group = ctx.catalogue.groups().get(wanted)
    if group:
        lines = [nested("help.line", usage=c.usage(), help=c.help) for c in group]
        return Reply("help.all", {"lines": lines}, private=True)
    return Reply("help.unknown", {"command": wanted}, private=True)


COMMANDS = [
    Command(
        "help",
        (Arg("command", Kind.REST, "a command or group to explain", required=False),),
        "what I can do, or how to use one command",
        Who.ANYONE,
        show_help,
        changes=False,
    ),
]
