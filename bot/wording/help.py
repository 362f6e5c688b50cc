"""Wording for `help`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Help.
    "help.all": "Commands (say `{prefix}help <command>` for more):\n{lines}",
    "help.line": "`{prefix}{usage}` - {help}",
    "help.one": "`{prefix}{usage}`\n{help}\nWho: {who}.{details}",
    "help.arg": "  {name}: {help}",
    "help.unknown": "There is no command “{command}”. `{prefix}help` lists them all.",
}
