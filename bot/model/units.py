"""Durations, instants and names as members type them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import DomainError

_DURATION = re.compile(
    r"^\s*(?:(?P<bare>\d+(?:\.\d+)?)|(?:(?P<h>\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?)\s*$",
    re.IGNORECASE,
)


# A million hours (over a century). Anything longer is a typo, and stays far inside
# what a 32-bit column and date arithmetic can hold; rules with their own limits
# (voucher amounts, event lengths) refuse smaller absurdities themselves.
MOST_MINUTES = 10**6 * 60
# Longer than any duration can be typed: past this, it's not one.
_DURATION_TEXT = 40

# NUL (PostgreSQL can't store it in text) and UTF-16 surrogates on their own
# (no encoding can store them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Whether every character of `text` can be stored and sent on."""
    return _UNSTORABLE.search(text) is None


def without_unstorable(text: str) -> str:
    return _UNSTORABLE.sub("", text)


def parse_minutes(text: str) -> int:
    """`2`, `1.5`, `2h`, `90m`, `1h30m` -> minutes. A bare number means hours."""
    if len(text) > _DURATION_TEXT:
        # Not matched against the pattern: its backtracking grows with the length.
        code = "input.duration_huge" if text.strip()[:1].isdigit() else "input.duration"
        raise DomainError(code, value=text[:20] + "…")
    match = _DURATION.match(text)
    if not match or not any(match.group(g) for g in ("bare", "h", "m")):
        raise DomainError("input.duration", value=text[:_DURATION_TEXT])
    hours = match.group("bare") or match.group("h") or "0"
    minutes = float(hours) * 60 + int(match.group("m") or 0)
    if minutes != int(minutes):
        raise DomainError("input.duration_whole", value=text)
    return check_minutes(int(minutes), text)


def check_minutes(minutes: int, typed: object) -> int:
    """A duration within what any rule could want (a platform may send the number)."""
    if minutes > MOST_MINUTES:
        raise DomainError("input.duration_huge", value=str(typed)[:20])
    return minutes


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
    # The longest IANA names are about 30 characters; a longer one is no file name.
    if not name or name.startswith(("/", ".")) or ".." in name or len(name) > 64:
        raise DomainError("input.timezone", value=name[:64], hint="Europe/London")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DomainError("input.timezone", value=name, hint=_zone_hint(name)) from None


def _zone_hint(name: str) -> str:
    lowered = name.lower().replace(" ", "_")
    for candidate in sorted(available_timezones()):
        if candidate.lower().endswith("/" + lowered) or candidate.lower() == lowered:
            return candidate
    return "Europe/London"


_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")
# Instants Junto can work with: far wider than any rule allows (events within two
# years, auctions within 90 days), and narrow enough that adding any duration or
# repeat to them stays inside what dates can hold.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
_INSTANT_TEXT = 64


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """`2026-12-01 18:00` in the speaker's zone, or ISO 8601 with an offset; UTC out."""
    cleaned = text.strip()
    if len(cleaned) > _INSTANT_TEXT:
        raise DomainError("input.instant", value=cleaned[:_INSTANT_TEXT] + "…")
    local = _LOCAL.match(cleaned)
    try:
        if local:
            year, month, day, hour, minute = (int(g) if g else 0 for g in local.groups())
            value = local_time(datetime(year, month, day, hour, minute), tz)
        else:
            value = datetime.fromisoformat(cleaned.replace("z", "Z"))
            if value.tzinfo is None:
                value = local_time(value, tz)
        value = value.astimezone(UTC)
    except ValueError:
        raise DomainError("input.instant", value=text) from None
    except OverflowError:
        raise DomainError("input.instant_range", value=text) from None
    if not EARLIEST <= value < LATEST:
        raise DomainError("input.instant_range", value=text)
    return value


def local_time(wall: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz`. One the clocks skip (a daylight-saving gap) is
    refused with the first time after it; one they pass twice is the earlier."""
    value = wall.replace(tzinfo=tz, fold=0)
    if _exists(value):
        return value
    after = wall.replace(second=0, microsecond=0)
    for _ in range(3 * 24 * 60):  # the longest gaps skip a whole day
        after += timedelta(minutes=1)
        if _exists(after.replace(tzinfo=tz)):
            break
    raise DomainError(
        "input.instant_gap",
        value=wall.strftime("%Y-%m-%d %H:%M"),
        zone=tz.key,
        next=after.strftime("%Y-%m-%d %H:%M"),
    )


def _exists(value: datetime) -> bool:
    # A wall time in a gap does not survive the trip to UTC and back.
    try:
        back = value.astimezone(UTC).astimezone(value.tzinfo)
    except OverflowError:
        return True  # at the ends of the calendar there are no gaps
    return back.replace(tzinfo=None) == value.replace(tzinfo=None)


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
    if not storable(text):
        raise DomainError("input.unstorable", name=field)
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise DomainError("input.too_long", field=field, limit=limit)
    if not cleaned:
        raise DomainError("input.empty", field=field)
    return cleaned
