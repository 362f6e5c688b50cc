"""Profiles and linking one person's identities on several platforms."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who
from bot.errors import DomainError
from bot.model.members import Member
from bot.model.units import bounded_text, zone
from bot.replies import JSON, Reply, instant, nested

_LINK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def profile_card(member: Member, *, with_identities: bool = False) -> dict[str, JSON]:
    identities: JSON = ""
    if with_identities and len(member.identities) > 1:
        spelled = ", ".join(f"{p}:{e}" for p, e in member.identities)
        identities = nested("profile.identities", identities=spelled)
    return nested(
        "profile.card",
        name=member.display_name,
        context=member.context,
        timezone=member.timezone,
        offers=member.offers or None,
        seeks=member.seeks or None,
        joined=instant(member.joined_at),
        roles=", ".join(member.roles()) or "member",
        identities=identities,
    )


async def set_profile(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member = ctx.member
    changed = False
    if args.get("name") is not None:
        member.display_name = bounded_text(args["name"], "name", 80)
        changed = True
    if args.get("context") is not None:
        member.context = bounded_text(args["context"], "context", 80)
        changed = True
    if args.get("timezone") is not None:
        zone(args["timezone"])
        member.timezone = args["timezone"]
        changed = True
    for field in ("offers", "seeks"):
        if args.get(field) is not None:
            skills = [s.strip() for s in args[field].split(",") if s.strip()]
            setattr(member, field, bounded_text(", ".join(skills), field, 200))
            changed = True
    if not changed:
        raise DomainError("profile.nothing")
    await ctx.uow.members.save(member)
    # The card shown here leaves out the linked identities, so they are not read.
    return Reply("profile.updated", {"profile": profile_card(member)}, private=True)


async def show_profile(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    own = member.id == ctx.member.id
    if own:
        # Only your own card lists the accounts linked to it.
        member.identities = await ctx.uow.members.identities(member.id)
    card = profile_card(member, with_identities=own)
    return Reply("profile.card", card["$params"], private=own)


async def link(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    profiles = ctx.uow.profiles
    code = args.get("code")
    if code is None:
        code = "".join(secrets.choice(_LINK_ALPHABET) for _ in range(8))
        minutes = int(ctx.settings["link_code_minutes"])
        expires = ctx.now + timedelta(minutes=minutes)
        await profiles.put_link_code(ctx.community.id, ctx.member.id, code, expires)
        return Reply("profile.link_code", {"code": code, "minutes": minutes}, private=True)
    owner_id = await profiles.take_link_code(ctx.community.id, code.strip().upper(), ctx.now)
    if owner_id is None:
        raise DomainError("profile.link_bad")
    if owner_id == ctx.member.id:
        raise DomainError("profile.link_self")
    if await profiles.has_history(ctx.member.id):
        raise DomainError("profile.link_busy")
    await profiles.move_identity(
        ctx.community.id, ctx.actor.platform, ctx.actor.external_id, owner_id
    )
    await profiles.merge_into(ctx.member.id, owner_id)
    owner = await ctx.uow.members.get(owner_id)
    return Reply("profile.linked", {"name": owner.display_name}, private=True)


COMMANDS = [
    Command(
        "profile set",
        (
            Arg(
                "context",
                Kind.TEXT,
                'where you learn or work, e.g. "Bournemouth, UK"',
                required=False,
                named_only=True,
                max_length=80,
            ),
            Arg(
                "timezone",
                Kind.TEXT,
                "your IANA time zone, e.g. Europe/London",
                required=False,
                named_only=True,
                max_length=64,
            ),
            Arg(
                "offers",
                Kind.TEXT,
                "skills you offer, separated by commas",
                required=False,
                named_only=True,
            ),
            Arg(
                "seeks",
                Kind.TEXT,
                "skills you seek, separated by commas",
                required=False,
                named_only=True,
            ),
            Arg(
                "name",
                Kind.TEXT,
                "the name others see",
                required=False,
                named_only=True,
                max_length=80,
            ),
        ),
        "change your profile (any of its parts)",
        Who.MEMBER,
        set_profile,
        # Names, contexts, zones and skills offered are not what badges count.
        changes_badge_facts=False,
    ),
    Command(
        "profile show",
        (Arg("member", Kind.MEMBER, "whose profile (default: yours)", required=False),),
        "show a member's profile",
        Who.ANYONE,
        show_profile,
        changes=False,
    ),
    Command(
        "profile link",
        (
            Arg(
                "code", Kind.TEXT, "the code from your other account", required=False, max_length=16
            ),
        ),
        "link your accounts: no code gets one, a code links this account",
        Who.MEMBER,
        link,
    ),
]
