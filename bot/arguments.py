"""Turns raw argument values (text from a chat line, or typed values from a
platform's own pickers) into the typed values services receive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind
from bot.errors import DomainError
from bot.model.members import Member, MemberRef
from bot.model.units import (
    check_minutes,
    circle_name,
    parse_instant,
    parse_minutes,
    storable,
)

_NUMBER = re.compile(r"^#?(\d{1,9})$")


def usage_error(code: str, command: Command, **params: Any) -> DomainError:
    return DomainError(code, usage=command.usage(), command=command.name, **params)


async def bind(ctx: Ctx, command: Command, raw: Mapping[str, Any]) -> dict[str, Any]:
    for name in raw:
        if command.arg(name) is None:
            if not storable(name):
                raise DomainError("input.unstorable", name="option")
            raise usage_error("input.unknown_option", command, option=name)
    raw = dict(raw)
    bound: dict[str, Any] = {}
    for arg in command.args:
        value = raw.get(arg.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if arg.required:
                raise usage_error("input.missing", command, name=arg.name)
            bound[arg.name] = None
            continue
        try:
            bound[arg.name] = await _coerce(ctx, arg, value)
        except DomainError:
            if not _page_in_its_place(command, arg, value, raw):
                raise
            # `!event list 2`: the page, typed where the optional circle would go.
            raw["page"], bound[arg.name] = value, None
    return bound


def _page_in_its_place(command: Command, arg: Arg, value: Any, raw: Mapping[str, Any]) -> bool:
    """A bare number given for an optional argument it can't be, in a command that
    lists pages and was given no page: the member meant the page."""
    page = command.arg("page")
    return (
        page is not None
        and page is not arg
        and not arg.required
        and raw.get("page") is None
        and isinstance(value, str)
        and value.strip().isdigit()
    )


async def _coerce(ctx: Ctx, arg: Arg, value: Any) -> Any:
    # Whatever a platform sends, nothing that can't be stored reaches a rule: a NUL
    # would fail in PostgreSQL, a lone surrogate in every encoder.
    if isinstance(value, str) and not storable(value):
        raise DomainError("input.unstorable", name=arg.name)
    if isinstance(value, MemberRef) and not all(
        storable(part) for part in (value.platform, value.external_id, value.display_name or "")
    ):
        raise DomainError("input.unstorable", name=arg.name)
    match arg.kind:
        case Kind.TEXT | Kind.REST | Kind.SETTING:
            text = " ".join(str(value).split())
            if len(text) > arg.max_length:
                raise DomainError("input.too_long", field=arg.name, limit=arg.max_length)
            return text
        case Kind.INTEGER:
            return _integer(arg, value)
        case Kind.DURATION:
            if isinstance(value, int):
                return check_minutes(value, value)
            return parse_minutes(str(value))
        case Kind.INSTANT:
            return parse_instant(str(value), ctx.timezone)
        case Kind.CHOICE:
            choice = str(value).strip().lower()
            if choice not in arg.choices:
                raise DomainError(
                    "input.choice", name=arg.name, choices=", ".join(arg.choices), value=value
                )
            return choice
        case Kind.MEMBER:
            return await resolve_member(ctx, value, arg.name)
        case Kind.CIRCLE:
            return circle_name_or_unknown(str(value))
        case Kind.NUMBER:
            match = _NUMBER.match(str(value).strip())
            if not match:
                raise DomainError("input.number_ref", value=value)
            return int(match.group(1))
    raise AssertionError(f"unhandled argument kind {arg.kind}")


_LONGEST_INTEGER = 24  # digits and a sign: past this, a number is only a typo


def _integer(arg: Arg, value: Any) -> int:
    text = str(value).strip()
    try:
        if len(text) > _LONGEST_INTEGER:
            raise ValueError(text)
        number = int(text)
    except ValueError:
        raise DomainError("input.integer", name=arg.name, value=text[:_LONGEST_INTEGER]) from None
    low = arg.low if arg.low is not None else -(2**31)
    high = arg.high if arg.high is not None else 2**31 - 1
    if not low <= number <= high:
        raise DomainError("input.range", name=arg.name, low=low, high=high, value=number)
    return number


def circle_name_or_unknown(text: str) -> str:
    """A circle name as typed; one that can't exist is reported as unknown."""
    try:
        return circle_name(text)
    except DomainError:
        raise DomainError("circle.unknown", value=text) from None


async def resolve_member(ctx: Ctx, value: Any, name: str = "member") -> Member:
    """A mention (`@bob`, `@bob:server`, a platform id) or a display name."""
    members = ctx.uow.members
    community_id = ctx.community.id
    if isinstance(value, MemberRef):
        found = await members.by_identity(community_id, value.platform, value.external_id)
        if found is None:
            raise DomainError("member.unknown", value=value.display_name or value.external_id)
        return found
    text = str(value).strip()
    if not text:
        raise DomainError("input.member", name=name, value=value)
    for external_id in _identity_spellings(ctx.actor.platform, text):
        found = await members.by_identity(community_id, ctx.actor.platform, external_id)
        if found is not None:
            return found
    by_name = await members.by_name(community_id, text.lstrip("@"))
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise DomainError("member.ambiguous", value=text)
    raise DomainError("member.unknown", value=text)


def _identity_spellings(platform: str, text: str) -> list[str]:
    # Matrix ids keep their leading @; console names and Discord ids do not.
    if platform == "matrix":
        return [text] if text.startswith("@") else ["@" + text]
    if platform == "discord":
        return [text.strip("<@!>")]
    return [text.lstrip("@")]
