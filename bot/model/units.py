"""Durations, instants and names as members type them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import DomainError

_DURATION = re.compile(
    r"^\s*(?:(?P<bare>\d+(?:\.\d+)?)|(?:(?P<h>\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?)\s*$",
    re.IGNORECASE,
)


_MOST_MINUTES = 2**53


def parse_minutes(text: str) -> int:
    """`2`, `1.5`, `2h`, `90m`, `1h30m` -> minutes. A bare number means hours."""
    match = _DURATION.match(text)
    if not match or not any(match.group(g) for g in ("bare", "h", "m")):
        raise DomainError("input.duration", value=text)
    hours = match.group("bare") or match.group("h") or "0"
    minutes = float(hours) * 60 + int(match.group("m") or 0)
    # Past 2**53 floats lose whole minutes (and "9" * 400 is infinite); rules with
    # their own limits (voucher amounts) refuse smaller absurdities themselves.
    if not minutes < _MOST_MINUTES:
        raise DomainError("input.duration_huge", value=text[:20])
    if minutes != int(minutes):
        raise DomainError("input.duration_whole", value=text)
    return int(minutes)


def format_minutes(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours}h{rest:02d}m"
    if hours:
        return f"{sign}{hours}h"
    return f"{sign}{rest}m"


def zone(name: str) -> ZoneInfo:
    """An IANA zone, or a domain error naming what was typed."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise DomainError("input.timezone", value=name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise DomainError("input.timezone", value=name, hint=_zone_hint(name)) from None


def _zone_hint(name: str) -> str:
    lowered = name.lower().replace(" ", "_")
    for candidate in sorted(available_timezones()):
        if candidate.lower().endswith("/" + lowered) or candidate.lower() == lowered:
            return candidate
    return "Europe/London"


_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """`2026-12-01 18:00` in the speaker's zone, or ISO 8601 with an offset; UTC out."""
    cleaned = text.strip()
    local = _LOCAL.match(cleaned)
    try:
        if local:
            year, month, day, hour, minute = (int(g) if g else 0 for g in local.groups())
            value = datetime(year, month, day, hour, minute, tzinfo=tz)
        else:
            value = datetime.fromisoformat(cleaned.replace("z", "Z"))
            if value.tzinfo is None:
                value = value.replace(tzinfo=tz)
    except ValueError:
        raise DomainError("input.instant", value=text) from None
    return value.astimezone(UTC)


_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$")


def circle_name(text: str) -> str:
    """Short circle names: lower-case letters, digits and inner hyphens, 3-32 long."""
    name = text.strip().lower()
    if len(name) > 32:
        raise DomainError("input.too_long", field="name", limit=32)
    if not _NAME.match(name) or "--" in name:
        raise DomainError("input.name", value=text)
    return name


def bounded_text(text: str, field: str, limit: int) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise DomainError("input.too_long", field=field, limit=limit)
    if not cleaned:
        raise DomainError("input.empty", field=field)
    return cleaned
