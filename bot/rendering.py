"""Turns Reply values into text for one reader."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.replies import JSON, Reply
from bot.wording import MESSAGES


@dataclass(frozen=True)
class Style:
    """How one reader sees a reply: their zone, the platform's command prefix."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    prefix: str = "!"
    # Discord shows `<t:...>` in every reader's own zone, so it asks for that.
    native_timestamps: bool = False


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(reply: Reply, style: Style) -> str:
    return render_message(reply.key, reply.params, style)


def render_message(key: str, params: Mapping[str, JSON], style: Style) -> str:
    template = MESSAGES.get(key)
    if template is None:
        # A missing wording must not hide what happened; show the key plainly.
        return key + "".join(f" {k}={_value(v, style)}" for k, v in params.items())
    values = _Params({k: _value(v, style) for k, v in params.items()})
    values["prefix"] = style.prefix
    return string.Formatter().vformat(template, (), values)


def format_instant(value: datetime, style: Style) -> str:
    if style.native_timestamps:
        return f"<t:{int(value.timestamp())}:f>"
    local = value.astimezone(style.timezone)
    return local.strftime("%a %d %b %Y %H:%M ") + (local.tzname() or "")


def _value(value: JSON, style: Style) -> str:
    if isinstance(value, dict):
        if "$instant" in value:
            return format_instant(datetime.fromisoformat(value["$instant"]), style)
        if "$key" in value:
            return render_message(value["$key"], value.get("$params", {}), style)
        return ", ".join(f"{k}: {_value(v, style)}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(_value(v, style) for v in value)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
