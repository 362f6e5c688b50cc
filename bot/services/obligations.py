"""Yearly obligations, good standing, and the quarterly nudge to members who are behind."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who
from bot.jobs import JobCtx, JobHandler, Scope, schedule
from bot.model import obligations as rules
from bot.model.members import Member
from bot.model.obligations import Standing, Year
from bot.replies import Reply, instant, nested
from bot.services.events import NUDGES


async def standing_in(scope: Scope, member_id: int, year: Year) -> Standing:
    attended, hosted = await scope.uow.events.standing(member_id, year.start, year.end)
    return Standing(
        attended,
        hosted,
        int(scope.settings["attend_required"]),
        int(scope.settings["host_required"]),
    )


async def in_good_standing(ctx: Ctx, member: Member) -> bool:
    """The last completed membership year was met; in the first year, always."""
    return await good_standing(ctx, member.id, member.joined_at)


async def good_standing(scope: Scope, member_id: int, joined: datetime) -> bool:
    year = rules.year_of(joined, scope.now)
    if year.index == 0:
        return True
    last = rules.year_number(joined, year.index - 1)
    return (await standing_in(scope, member_id, last)).met


async def obligations(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    year = rules.year_of(member.joined_at, ctx.now)
    standing = await standing_in(ctx, member.id, year)
    state = rules.status(standing, year.share_elapsed(ctx.now))
    good = await good_standing(ctx, member.id, member.joined_at)
    return Reply(
        "obligations.report",
        {
            "member": member.display_name,
            "year": year.index + 1,
            "start": instant(year.start),
            "end": instant(year.end),
            "days_left": year.days_left(ctx.now),
            "attended": standing.attended,
            "attend_required": standing.attend_required,
            "attend_left": standing.attend_left,
            "hosted": standing.hosted,
            "host_required": standing.host_required,
            "host_left": standing.host_left,
            "status": {"$key": f"obligations.status_{state}"},
            "standing": nested(
                "obligations.good_first_year"
                if year.index == 0
                else ("obligations.good" if good else "obligations.not_good")
            ),
            "hint": nested("obligations.behind_hint") if state == rules.BEHIND else "",
        },
        private=True,
    )


async def nudge(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    """Nudge members behind on their obligations whose quarter mark fell since the
    last sweep, then plan the next sweep from here: no mark is missed or doubled."""
    since = datetime.fromisoformat(payload["since"])
    for member_id, joined in await ctx.uow.events.joined(ctx.community.id):
        marks = rules.quarter_marks_between(joined, since, ctx.now)
        if not marks:
            continue
        year = rules.year_of(joined, ctx.now)
        standing = await standing_in(ctx, member_id, year)
        if rules.status(standing, year.share_elapsed(ctx.now)) != rules.BEHIND:
            continue
        ctx.tell_member(
            member_id,
            Reply(
                "obligations.nudge",
                {
                    "attended": standing.attended,
                    "attend_required": standing.attend_required,
                    "hosted": standing.hosted,
                    "host_required": standing.host_required,
                    "days_left": year.days_left(ctx.now),
                },
            ),
        )
    await schedule(
        ctx,
        NUDGES,
        ctx.now + timedelta(days=1),
        {"since": ctx.now.isoformat()},
        unique_key=NUDGES,
    )


JOBS: dict[str, JobHandler] = {NUDGES: nudge}

COMMANDS = [
    Command(
        "obligations",
        (Arg("member", Kind.MEMBER, "whose obligations (default: yours)", required=False),),
        "validated events attended and hosted this membership year, and what is left",
        Who.MEMBER,
        obligations,
        changes=False,
    ),
]
