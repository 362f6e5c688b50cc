"""Reputation, learning journeys with their picture, journal notes, and a member's
own data: exported whole, or forgotten."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot import pictures
from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg
from bot.errors import DomainError
from bot.model import journeys as J
from bot.model.journeys import Moment, TrackRecord
from bot.model.members import Member
from bot.model.units import format_minutes
from bot.replies import JSON, Attachment, Reply, instant, nested
from bot.services import circles

JOURNAL_LIMIT = 500
# What a kept reply to a forgotten member's command says if its key comes again.
FORGOTTEN_REPLY = Reply("data.forgotten_reply", private=True)


def _hours(minutes: int) -> str:
    return format_minutes(minutes) if minutes else "0h"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


async def reputation(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    record = await ctx.uow.journeys.track_record(member.id, ctx.now)
    return Reply("reputation.record", {"member": member.display_name, **_record_params(record)})


def _record_params(r: TrackRecord) -> dict[str, JSON]:
    average = r.average_rating
    closed = r.hosted_validated + r.hosted_below + r.hosted_unreviewed
    settled = r.redemptions_confirmed + r.redemptions_declined + r.redemptions_disputed
    rate = r.pass_rate
    return {
        "hosted": r.hosted,
        "validated": r.hosted_validated,
        "below": r.hosted_below,
        "unreviewed": r.hosted_unreviewed,
        "pending": r.hosted_pending,
        "validated_share": _share(r.hosted_validated, closed),
        "rating": nested("reputation.rating", average=f"{average:.1f}", count=r.ratings)
        if average is not None
        else nested("reputation.no_rating"),
        "ballots": r.ballots,
        "issued": _hours(r.issued),
        "delivered": _hours(r.delivered),
        "outstanding": _hours(r.outstanding),
        "confirmed": r.redemptions_confirmed,
        "open": r.redemptions_open,
        "declined": r.redemptions_declined,
        "disputed": r.redemptions_disputed,
        "kept_share": _share(r.redemptions_confirmed, settled),
        "teaching": nested(
            "reputation.pass_rate",
            rate=f"{round(100 * rate)}%",
            passed=r.learners_passed,
            tested=r.learners_passed + r.learners_failed,
        )
        if rate is not None
        else nested("reputation.no_teaching"),
    }


_OUTCOME_KEYS = {
    "validated": "journey.outcome.validated",
    "not_validated": "journey.outcome.below",
    "unreviewed": "journey.outcome.unreviewed",
    "in_review": "journey.outcome.in_review",
}


def _line(m: Moment, own: bool) -> dict[str, JSON]:
    """One moment as a line of the text journey. Others see what a member did,
    not how they voted."""
    p: dict[str, JSON] = dict(m.params)
    when = instant(m.at)
    match m.kind:
        case J.CIRCLE:
            key = "journey.circle_lead" if p.get("lead") else "journey.circle"
        case J.ATTENDED | J.HOSTED:
            status = str(p.get("status", ""))
            outcome_key = _OUTCOME_KEYS.get(status)
            p["outcome"] = nested(outcome_key) if outcome_key else ""
            key = f"journey.{m.kind}"
        case J.BALLOT:
            if own:
                verdict = (
                    "journey.verdict.at_level" if p.get("at_level") else "journey.verdict.below"
                )
                p["verdict"] = nested(verdict)
                rating = p.get("rating")
                p["rating"] = nested("journey.rating", rating=rating) if rating else ""
                key = "journey.ballot"
            else:
                key = "journey.ballot_hidden"
        case J.ISSUED | J.DELIVERED | J.RECEIVED:
            p["hours"] = _hours(int(p.get("minutes", 0) or 0))
            key = f"journey.{m.kind}"
        case J.AGREEMENT | J.ASSESSMENT:
            role = p.get("role", "learner")
            if m.kind == J.ASSESSMENT:
                key = f"journey.assessment_{role}_{'passed' if m.good else 'failed'}"
            else:
                key = f"journey.agreement_{role}"
        case J.BADGE:
            key = "journey.badge"
        case _:
            key = "journey.note"
    return nested("journey.line", when=when, what=nested(key, **p))


def _visible(moments: list[Moment], own: bool) -> list[Moment]:
    # Journal notes are the member's own words, for them alone.
    return moments if own else [m for m in moments if m.kind != J.NOTE]


def _span(moments: list[Moment], now: datetime) -> tuple[date, date]:
    first = moments[0].at if moments else now
    return first.date(), max(moments[-1].at if moments else now, now).date()


async def journey(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    if args.get("page") is not None:
        return await _journey_page(ctx, member, args)
    # The first look comes with the picture, which shows every moment.
    own = member.id == ctx.member.id
    moments = J.in_order(_visible(await ctx.uow.journeys.moments(member.id, ctx.now), own))
    if not moments:
        return Reply("journey.empty", {"member": member.display_name}, private=True)
    size = ctx.settings.page_size
    page, pages, first, last = J.page_of(len(moments), size, None)
    more: JSON = ""
    if page < pages:
        more = nested("journey.earlier", page=page + 1, member=_mention(member, own))
    return Reply(
        "journey.page",
        {
            "member": member.display_name,
            "page": page,
            "pages": pages,
            "first": first + 1,
            "last": last,
            "count": len(moments),
            "lines": [_line(m, own) for m in moments[first:last]],
            "more": more,
        },
        private=True,
        attachments=(_picture(ctx, member, moments),),
    )


async def _journey_page(ctx: Ctx, member: Member, args: Mapping[str, Any]) -> Reply:
    """A page asked for by number: read from storage a page at a time, newest first."""
    own = member.id == ctx.member.id
    page = ctx.page(args)
    journeys = ctx.uow.journeys
    found = await journeys.moments_page(member.id, ctx.now, own, page.offset, page.limit)
    if not found:
        if page.number == 1:
            return Reply("journey.empty", {"member": member.display_name}, private=True)
        # Counted only to say how far the journey goes.
        count = await journeys.moment_count(member.id, ctx.now, own)
        pages = max(1, -(-count // page.size))
        raise DomainError("journey.no_page", page=page.number, pages=pages)
    shown, earlier = found[: page.size], len(found) > page.size
    more: JSON = ""
    if earlier:
        more = nested("journey.earlier", page=page.number + 1, member=_mention(member, own))
    return Reply(
        "journey.page_back",
        {
            "member": member.display_name,
            "page": page.number,
            "lines": [_line(m, own) for m in reversed(shown)],
            "more": more,
        },
        private=True,
    )


def _mention(member: Member, own: bool) -> str:
    return "" if own else f"@{member.display_name} "


def _picture(ctx: Ctx, member: Member, moments: list[Moment]) -> Attachment:
    start, end = _span(moments, ctx.now)
    subtitle = f"{start:%d %b %Y} – {end:%d %b %Y} · {len(moments)} moments"
    data = pictures.timeline_png(
        f"{member.display_name}'s learning journey",
        subtitle,
        moments,
        ctx.timezone,
        now=ctx.now,
    )
    return Attachment(f"journey-{member.id}.png", "image/png", data)


async def journal_add(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    text = " ".join(str(args["text"]).split())
    if not text:
        raise DomainError("journal.empty")
    await ctx.uow.journeys.add_note(ctx.community.id, ctx.member.id, text, ctx.now)
    return Reply("journal.added", {"length": len(text)}, private=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def data_export(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member = ctx.member
    tables = await ctx.uow.journeys.export(member.id)
    profile = {
        "id": member.id,
        "name": member.display_name,
        "context": member.context,
        "timezone": member.timezone,
        "offers": member.offers,
        "seeks": member.seeks,
        "joined_at": member.joined_at,
        "admin": member.is_admin,
        "assessor": member.is_assessor,
        "trustee": member.is_trustee,
    }
    document = {
        "format": "junto-member-data/1",
        "community": {"slug": ctx.community.slug, "name": ctx.community.name},
        "exported_at": ctx.now,
        "profile": profile,
        **tables,
    }
    data = json.dumps(_plain(document), indent=2, ensure_ascii=False, default=str)
    rows = sum(len(v) for v in tables.values())
    return Reply(
        "data.exported",
        {"rows": rows, "tables": len(tables)},
        private=True,
        attachments=(
            Attachment(f"junto-data-{member.id}.json", "application/json", data.encode("utf-8")),
        ),
    )


async def data_forget(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member = ctx.member
    if args.get("confirm") != "confirm":
        return Reply("data.forget_ask", private=True)
    seats = await ctx.uow.journeys.seats(member.id)
    for name, _waiting in seats:
        # Leaving as `circle leave` does frees the place for whoever waits, and
        # refuses a last lead, who hands over first.
        await circles.leave(ctx, {"name": name})
    number = await ctx.uow.communities.next_number(ctx.community.id)
    pseudonym = f"forgotten-{number}"
    await ctx.uow.journeys.forget(member.id, pseudonym, FORGOTTEN_REPLY.to_json())
    return Reply("data.forgotten", {"pseudonym": pseudonym, "circles": len(seats)}, private=True)


COMMANDS = [
    Command(
        "reputation",
        (Arg("member", Kind.MEMBER, "whose record (default: yours)", required=False),),
        "A member's track record: hosting, reviews, hours and teaching",
        Who.ANYONE,
        reputation,
        changes=False,
    ),
    Command(
        "journey",
        (
            Arg("member", Kind.MEMBER, "whose journey (default: yours)", required=False),
            page_arg("which page, counting back from the newest (default: 1, with the picture)"),
        ),
        "Your learning journey in time order, as text and a picture",
        Who.MEMBER,
        journey,
        changes=False,
    ),
    Command(
        "journal add",
        (Arg("text", Kind.REST, "your note", max_length=JOURNAL_LIMIT),),
        "Add a note of your own to your journey",
        Who.MEMBER,
        journal_add,
        changes_badge_facts=False,
    ),
    Command(
        "data export",
        (),
        "Everything Junto keeps about you, as a JSON file",
        Who.MEMBER,
        data_export,
        changes=False,
    ),
    Command(
        "data forget",
        (
            Arg(
                "confirm",
                Kind.CHOICE,
                "type confirm to go ahead",
                required=False,
                choices=("confirm",),
            ),
        ),
        "Be forgotten: your name and accounts are replaced by a pseudonym",
        Who.MEMBER,
        data_forget,
        changes_badge_facts=False,
    ),
]
