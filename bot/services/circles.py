"""Circles: create, join (or wait), leave, leads, and their forming or active state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg, page_params
from bot.errors import DomainError
from bot.model import circles as rules
from bot.model.circles import Circle, Seat
from bot.model.members import Member
from bot.model.units import bounded_text, circle_name
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import Reply, nested


async def load(ctx: Ctx, name: str, *, lock: bool = False) -> Circle:
    circle = await ctx.uow.circles.by_name(ctx.community.id, name, lock=lock)
    if circle is None:
        raise DomainError("circle.unknown", value=name)
    return circle


async def load_with_seats(ctx: Ctx, name: str, *, lock: bool = False) -> tuple[Circle, list[Seat]]:
    found = await ctx.uow.circles.with_seats(ctx.community.id, name, lock=lock)
    if found is None:
        raise DomainError("circle.unknown", value=name)
    return found


def is_lead(seats: list[Seat], member_id: int) -> bool:
    return any(s.member_id == member_id and s.lead and not s.waiting for s in seats)


def require_lead(ctx: Ctx, circle: Circle, seats: list[Seat]) -> None:
    if not (ctx.is_admin or is_lead(seats, ctx.member.id)):
        raise DomainError("circle.not_lead", name=circle.name)


async def create(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    name = circle_name(args["name"])
    topic = bounded_text(args["topic"], "topic", 120)
    limit = ctx.settings.circle_size
    low = ctx.settings.circle_min_members
    size = args.get("size") or limit
    if not low <= size <= limit:
        raise DomainError("circle.size_range", low=low, high=limit, value=size)
    if await ctx.uow.circles.by_name(ctx.community.id, name) is not None:
        raise DomainError("circle.exists", name=name)
    number = await ctx.uow.communities.next_number(ctx.community.id)
    circle = await ctx.uow.circles.create(ctx.community.id, number, name, topic, size, ctx.now)
    await ctx.uow.circles.add_seat(circle.id, ctx.member.id, lead=True, waiting=False, now=ctx.now)
    if ctx.place is not None:
        await ctx.uow.circles.set_place(circle.id, ctx.actor.platform, ctx.place)
    await _restate(ctx, circle)
    return Reply(
        "circle.created",
        {
            "name": name,
            "number": number,
            "topic": topic,
            "min_members": low,
            "min_contexts": ctx.settings.circle_min_contexts,
        },
    )


async def join(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    # Locked so two joins can't both take the last place.
    circle, seats = await load_with_seats(ctx, args["name"], lock=True)
    if circle.status == rules.ARCHIVED:
        raise DomainError("circle.is_archived", name=circle.name)
    mine = next((s for s in seats if s.member_id == ctx.member.id), None)
    if mine is not None and not mine.waiting:
        raise DomainError("circle.already_member", name=circle.name)
    if mine is not None:
        position = rules.waiting_position(seats, ctx.member.id)
        raise DomainError("circle.already_waiting", name=circle.name, position=position)
    hint = _context_hint(ctx.member)
    seated = len(rules.members(seats))
    if seated >= circle.size:
        await ctx.uow.circles.add_seat(
            circle.id, ctx.member.id, lead=False, waiting=True, now=ctx.now
        )
        position = len(rules.waiting(seats)) + 1
        return Reply(
            "circle.waiting",
            {"name": circle.name, "size": circle.size, "position": position, "hint": hint},
        )
    await ctx.uow.circles.add_seat(circle.id, ctx.member.id, lead=False, waiting=False, now=ctx.now)
    # The circle is locked, so the seats read above plus this one are all there are.
    mine = Seat(
        member_id=ctx.member.id,
        display_name=ctx.member.display_name,
        context_key=ctx.member.context_key,
        context=ctx.member.context,
        lead=False,
        waiting=False,
        since=ctx.now,
    )
    await _restate(ctx, circle, [*seats, mine])
    return Reply(
        "circle.joined",
        {"name": circle.name, "count": seated + 1, "size": circle.size, "hint": hint},
    )


def _context_hint(member: Member) -> Any:
    return "" if member.context else {"$key": "circle.context_hint"}


async def leave(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    circle, seats = await load_with_seats(ctx, args["name"], lock=True)
    mine = next((s for s in seats if s.member_id == ctx.member.id), None)
    if mine is None:
        raise DomainError("circle.not_member", name=circle.name)
    if mine.waiting:
        await ctx.uow.circles.remove_seat(circle.id, ctx.member.id)
        return Reply("circle.left_waiting", {"name": circle.name})
    leads = [s for s in rules.members(seats) if s.lead]
    if mine.lead and len(leads) == 1 and circle.status != rules.ARCHIVED:
        raise DomainError("circle.last_lead", name=circle.name)
    await ctx.uow.circles.remove_seat(circle.id, ctx.member.id)
    if circle.status != rules.ARCHIVED:
        # The circle is locked, so its seats change only as this command changes them.
        rest = [s for s in seats if s.member_id != ctx.member.id]
        rest = await _admit_waiting(ctx, circle, rest)
        await _restate(ctx, circle, rest)
    return Reply("circle.left", {"name": circle.name})


async def _admit_waiting(ctx: Ctx, circle: Circle, seats: list[Seat]) -> list[Seat]:
    """Seat waiting members while there is room; the seats as they are afterwards."""
    while len(rules.members(seats)) < circle.size:
        chosen = rules.next_admitted(seats)
        if chosen is None:
            return seats
        await ctx.uow.circles.update_seat(
            circle.id, chosen.member_id, lead=False, waiting=False, now=ctx.now
        )
        ctx.tell_member(chosen.member_id, Reply("circle.admitted", {"name": circle.name}))
        ctx.tell_circle(
            circle.id,
            Reply("circle.admitted_public", {"member": chosen.display_name, "name": circle.name}),
        )
        admitted = replace(chosen, lead=False, waiting=False, since=ctx.now)
        seats = [admitted if s.member_id == chosen.member_id else s for s in seats]
    return seats


async def _restate(ctx: Ctx, circle: Circle, seats: list[Seat] | None = None) -> None:
    """Recompute forming/active after a change and announce a change of state;
    `seats` are the circle's seats after the change, when the caller knows them."""
    if seats is None:
        seats = await ctx.uow.circles.seats(circle.id)
    settings = ctx.settings
    status = rules.status_for(seats, settings.circle_min_members, settings.circle_min_contexts)
    if status == circle.status:
        return
    await ctx.uow.circles.set_status(circle.id, status)
    previous, circle.status = circle.status, status
    if status == rules.ACTIVE:
        ctx.tell_circle(
            circle.id,
            Reply(
                "circle.became_active",
                {
                    "name": circle.name,
                    "count": len(rules.members(seats)),
                    "contexts": len(rules.contexts(seats)),
                },
            ),
        )
    elif previous == rules.ACTIVE:
        ctx.tell_circle(
            circle.id,
            Reply(
                "circle.became_forming",
                {
                    "name": circle.name,
                    "min_members": settings.circle_min_members,
                    "min_contexts": settings.circle_min_contexts,
                },
            ),
        )


async def move_place(
    uow: UnitOfWork, community_id: int, name: str, platform: str, external_id: str
) -> bool:
    """Point a circle's notices on one platform at a place of its own (a room or
    channel made for it after it was created). False when there is no such circle."""
    circle = await uow.circles.by_name(community_id, name)
    if circle is None:
        return False
    await uow.circles.set_place(circle.id, platform, external_id)
    return True


async def replace_place(
    uow: UnitOfWork, community_id: int, platform: str, old: str, new: str
) -> int:
    """Every circle whose place on a platform was `old` now has `new` (a room that was
    upgraded, say); how many moved."""
    moved = 0
    for circle in await uow.circles.all(community_id):
        if (platform, old) in await uow.circles.places(circle.id):
            await uow.circles.set_place(circle.id, platform, new)
            moved += 1
    return moved


async def add_lead(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    circle = await load(ctx, args["name"], lock=True)
    seats = await ctx.uow.circles.seats(circle.id)
    require_lead(ctx, circle, seats)
    member: Member = args["member"]
    seat = next((s for s in seats if s.member_id == member.id and not s.waiting), None)
    if seat is None:
        raise DomainError("circle.lead_not_member", member=member.display_name, name=circle.name)
    if seat.lead:
        raise DomainError("circle.already_lead", member=member.display_name, name=circle.name)
    await ctx.uow.circles.update_seat(
        circle.id, member.id, lead=True, waiting=False, now=seat.since
    )
    ctx.tell_member(
        member.id, Reply("circle.lead_added", {"member": member.display_name, "name": circle.name})
    )
    return Reply("circle.lead_added", {"member": member.display_name, "name": circle.name})


async def archive(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    circle = await load(ctx, args["name"], lock=True)
    seats = await ctx.uow.circles.seats(circle.id)
    require_lead(ctx, circle, seats)
    if circle.status == rules.ARCHIVED:
        raise DomainError("circle.is_archived", name=circle.name)
    await ctx.uow.circles.set_status(circle.id, rules.ARCHIVED)
    for seat in rules.waiting(seats):
        await ctx.uow.circles.remove_seat(circle.id, seat.member_id)
    return Reply("circle.archived", {"name": circle.name})


async def info(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    circle, seats = await load_with_seats(ctx, args["name"])
    seated = rules.members(seats)
    queue = rules.waiting(seats)
    return Reply(
        "circle.info",
        {
            "name": circle.name,
            "number": circle.number,
            "topic": circle.topic,
            "status": {"$key": f"status.{circle.status}"},
            "count": len(seated),
            "size": circle.size,
            "contexts": len(rules.contexts(seats)),
            "waiting": nested("circle.info_waiting", count=len(queue)) if queue else "",
            "leads": ", ".join(s.display_name for s in seated if s.lead),
            "members": [
                nested("circle.info_member", name=s.display_name, context=s.context) for s in seated
            ],
        },
    )


async def list_circles(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    page = ctx.page(args)
    found = await ctx.uow.circles.listed(ctx.community.id, page.offset, page.limit)
    circles, more = page.rows(found, "circle list")
    if not circles:
        return Reply("circle.list_empty")
    lines = [
        nested(
            "circle.list_line",
            name=circle.name,
            topic=circle.topic,
            status={"$key": f"status.{circle.status}"},
            count=seated,
            size=circle.size,
            waiting=f", {queued} waiting" if queued else "",
        )
        for circle, seated, queued in circles
    ]
    return Reply("circle.list", {"lines": lines, **page_params(page, more, "circle list")})


_NAME = Arg("name", Kind.CIRCLE, "the circle's short name, e.g. spanish-a2")

COMMANDS = [
    Command(
        "circle create",
        (
            Arg(
                "name",
                Kind.TEXT,
                "a short name: lower-case letters, digits, hyphens",
                max_length=64,
            ),
            Arg(
                "topic",
                Kind.TEXT,
                "what the circle learns (quote it if it has spaces)",
                max_length=500,
            ),
            Arg(
                "size",
                Kind.INTEGER,
                "most members (default: the community's circle size)",
                required=False,
                low=1,
                high=10_000,
            ),
        ),
        "start a circle; you become its first lead",
        Who.MEMBER,
        create,
        changes_badge_facts=False,
    ),
    Command(
        "circle join",
        (_NAME,),
        "join a circle, or its waiting list when full",
        Who.MEMBER,
        join,
        changes_badge_facts=False,
    ),
    Command(
        "circle leave",
        (_NAME,),
        "leave a circle or its waiting list",
        Who.MEMBER,
        leave,
        changes_badge_facts=False,
    ),
    Command(
        "circle info",
        (_NAME,),
        "a circle's topic, state, leads and members",
        Who.ANYONE,
        info,
        changes=False,
    ),
    Command(
        "circle list",
        (page_arg(),),
        "the circles in this community",
        Who.ANYONE,
        list_circles,
        changes=False,
    ),
    Command(
        "circle lead",
        (_NAME, Arg("member", Kind.MEMBER, "the member who becomes a lead")),
        "make a member of the circle one of its leads",
        Who.LEAD,
        add_lead,
        changes_badge_facts=False,
    ),
    Command(
        "circle archive",
        (_NAME,),
        "close a circle for good",
        Who.LEAD,
        archive,
        changes_badge_facts=False,
    ),
]
