"""Peer review: when an event ends its attendees judge it, by reaction or by command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, ReactionHandler, Who
from bot.errors import DomainError
from bot.jobs import JobCtx, JobHandler, Scope, schedule
from bot.model import events as ev
from bot.model import reviews as rules
from bot.model.events import Event
from bot.model.reviews import Ballot
from bot.replies import JSON, Anchor, Reply, instant, nested
from bot.services import badges, events

SETTLE = "review.settle"
CLOSE = "review.close"
_CHOICES = ("at-level", "below", "withdraw")


def closes_at(scope: Scope, event: Event) -> datetime:
    if event.review_closes_at is not None:
        return event.review_closes_at
    return event.ends_at + timedelta(minutes=int(scope.settings["review_window"]))


def _label(state: str) -> JSON:
    return {"$key": f"event.state_{state}"}


async def voters(scope: Scope, event: Event) -> list[int]:
    """Checked-in attendees who are not hosts and are still members of the circle."""
    seats = await scope.uow.circles.seats(event.circle_id)
    hosts = await events.host_ids(scope, event)
    return [
        a.member_id
        for a in await scope.uow.events.attendees(event.id)
        if a.present and a.member_id not in hosts and events.seated(seats, a.member_id)
    ]


async def _ensure_open(scope: Scope, event: Event) -> bool:
    """Move an ended event into review; True when this call opened it."""
    if event.status != ev.SCHEDULED or scope.now < event.ends_at:
        return False
    event.status = ev.IN_REVIEW
    event.review_closes_at = closes_at(scope, event)
    await scope.uow.events.save(event)
    _, checkin_closes = events.window(scope, event)
    payload = {"event_id": event.id}
    # Voting may end early once check-in is over and every voter has voted.
    await schedule(scope, SETTLE, checkin_closes, payload, ref=events.ref(event))
    await schedule(scope, CLOSE, event.review_closes_at, payload, ref=events.ref(event))
    return True


async def open_review(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    event = await ctx.uow.events.get(int(payload["event_id"]), lock=True)
    await _ensure_open(ctx, event)
    if event.status != ev.IN_REVIEW:
        return  # cancelled, moved, or already closed by early ballots
    circle = await ctx.uow.circles.get(event.circle_id)
    hosts = await ctx.uow.events.hosts(event.id)
    ctx.tell_circle(
        circle.id,
        Reply(
            "review.opened",
            {
                "number": event.number,
                "title": event.title,
                "circle": circle.name,
                "hosts": ", ".join(name for _, name in hosts),
                "voters": len(await voters(ctx, event)),
                "closes": instant(closes_at(ctx, event)),
            },
            anchor=Anchor("review", event.id),
        ),
    )


async def close(scope: Scope, event: Event) -> None:
    """Count the ballots and keep the outcome and its tally for good."""
    voter_ids = await voters(scope, event)
    ballots = await scope.uow.events.ballots(event.id)
    result = rules.tally(len(voter_ids), ballots)
    share = Fraction(str(scope.settings["pass_share"]))
    event.status = rules.outcome(result, share)
    event.closed_at = scope.now
    event.review_closes_at = event.review_closes_at or scope.now
    event.at_level, event.below, event.voters = result.at_level, result.below, result.voters
    # Its settle and close jobs may still be pending; they find it closed and do nothing.
    # Dropping them here would wait on a runner that holds one of them while it waits
    # for this event's row.
    await scope.uow.events.save(event)
    scope.tell_circle(
        event.circle_id,
        Reply(
            "review.closed",
            {
                "number": event.number,
                "title": event.title,
                "outcome": _label(event.status),
                "at_level": result.at_level,
                "below": result.below,
                "voters": result.voters,
                "quorum": rules.quorum(result.voters),
            },
        ),
    )
    # The outcome may complete badges for anyone involved; they are dated now, at the close.
    await badges.check_event(scope, event)


async def _close_if_everyone_voted(scope: Scope, event: Event) -> bool:
    _, checkin_closes = events.window(scope, event)
    if scope.now < checkin_closes:
        return False  # someone may still check in and become a voter
    if not rules.everyone_voted(
        await voters(scope, event), await scope.uow.events.ballots(event.id)
    ):
        return False
    await close(scope, event)
    return True


async def settle(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    event = await ctx.uow.events.get(int(payload["event_id"]), lock=True)
    if ev.state(event, ctx.now) == ev.IN_REVIEW:
        await _close_if_everyone_voted(ctx, event)


async def close_job(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    event = await ctx.uow.events.get(int(payload["event_id"]), lock=True)
    if ev.state(event, ctx.now) == ev.IN_REVIEW:
        await close(ctx, event)


def _require_open(ctx: Ctx, event: Event) -> None:
    current = ev.state(event, ctx.now)
    if current in (ev.SCHEDULED, ev.RUNNING):
        raise DomainError(
            "review.not_ended", number=event.number, title=event.title, ends=instant(event.ends_at)
        )
    if current == ev.CANCELLED:
        raise DomainError("review.cancelled", number=event.number)
    if current in ev.CLOSED:
        raise DomainError("review.closed_already", number=event.number, outcome=_label(current))
    if ctx.now >= closes_at(ctx, event):
        raise DomainError(
            "review.closed_late", number=event.number, closed=instant(closes_at(ctx, event))
        )


async def _require_voter(ctx: Ctx, event: Event) -> None:
    circle = await ctx.uow.circles.get(event.circle_id)
    if not events.seated(await ctx.uow.circles.seats(circle.id), ctx.member.id):
        raise DomainError("review.not_member", number=event.number, name=circle.name)
    if ctx.member.id in await events.host_ids(ctx, event):
        raise DomainError("review.host", number=event.number)
    attendees = await ctx.uow.events.attendees(event.id)
    if not any(a.member_id == ctx.member.id and a.present for a in attendees):
        raise DomainError("review.not_attendee", number=event.number)


async def cast(
    ctx: Ctx,
    event: Event,
    at_level: bool,
    *,
    rating: int | None = None,
    comment: str | None = None,
    via: str = "command",
) -> Reply:
    _require_open(ctx, event)
    await _require_voter(ctx, event)
    await _ensure_open(ctx, event)
    ballot = Ballot(ctx.member.id, at_level, ctx.now, rating, comment or None)
    await ctx.uow.events.put_ballot(event.id, ballot, via)
    closed = await _close_if_everyone_voted(ctx, event)
    return Reply(
        "review.counted",
        {
            "number": event.number,
            "verdict": {"$key": "review.at_level" if at_level else "review.below"},
            "rating": nested("review.rating_note", rating=rating) if rating else "",
            "closes": nested("review.closes_note", closes=instant(closes_at(ctx, event)))
            if not closed
            else "",
        },
        private=True,
    )


async def withdraw(ctx: Ctx, event: Event, only: bool | None = None) -> Reply | None:
    """Withdraw the member's ballot. For a removed reaction, only the ballot that
    reaction cast: an ❌ that replaced a ✅ stays when the ✅ is taken off."""
    _require_open(ctx, event)
    mine = next(
        (b for b in await ctx.uow.events.ballots(event.id) if b.member_id == ctx.member.id), None
    )
    if mine is None or (only is not None and mine.at_level != only):
        if only is not None:
            return None
        raise DomainError("review.no_ballot", number=event.number)
    await ctx.uow.events.remove_ballot(event.id, ctx.member.id)
    return Reply("review.withdrawn", {"number": event.number}, private=True)


async def vote(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event = await events.load(ctx, args["event"], lock=True)
    choice: str = args["verdict"]
    if choice == "withdraw":
        reply = await withdraw(ctx, event)
        assert reply is not None
        return reply
    return await cast(
        ctx,
        event,
        choice == "at-level",
        rating=args.get("rating"),
        comment=args.get("comment"),
    )


async def on_reaction(ctx: Ctx, anchor: Anchor, emoji: str, added: bool) -> Reply | None:
    """✅ or ❌ on a review message casts a ballot; removing it withdraws that ballot."""
    verdict = rules.verdict(emoji)
    if verdict is None:
        return None
    event = await ctx.uow.events.get(anchor.object_id, lock=True)
    if added:
        return await cast(ctx, event, verdict, via="reaction")
    return await withdraw(ctx, event, only=verdict)


def _average(ballots: Sequence[Ballot]) -> JSON:
    ratings = [b.rating for b in ballots if b.rating is not None]
    if not ratings:
        return ""
    return nested(
        "review.rating_average", average=f"{sum(ratings) / len(ratings):.1f}", count=len(ratings)
    )


async def status(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event = await events.load(ctx, args["event"])
    current = ev.state(event, ctx.now)
    base: dict[str, JSON] = {"number": event.number, "title": event.title}
    if current in (ev.SCHEDULED, ev.RUNNING):
        return Reply("review.status_pending", {**base, "ends": instant(event.ends_at)})
    if current == ev.CANCELLED:
        return Reply("review.status_cancelled", base)
    ballots = await ctx.uow.events.ballots(event.id)
    if current in ev.CLOSED:
        return Reply(
            "review.status_closed",
            {
                **base,
                "outcome": _label(current),
                "at_level": event.at_level,
                "below": event.below,
                "voters": event.voters,
                "quorum": rules.quorum(event.voters),
                "closed": instant(event.closed_at or closes_at(ctx, event)),
                "ratings": _average(ballots),
            },
        )
    voter_ids = await voters(ctx, event)
    # The split stays hidden while voting is open, so early ballots don't sway later ones.
    return Reply(
        "review.status_open",
        {
            **base,
            "cast": len(ballots),
            "voters": len(voter_ids),
            "quorum": rules.quorum(len(voter_ids)),
            "closes": instant(closes_at(ctx, event)),
        },
    )


REACTIONS: dict[str, ReactionHandler] = {"review": on_reaction}

JOBS: dict[str, JobHandler] = {
    events.OPEN_REVIEW: open_review,
    SETTLE: settle,
    CLOSE: close_job,
}

COMMANDS = [
    Command(
        "review vote",
        (
            Arg("event", Kind.NUMBER, "the event's number, e.g. 12 or #12"),
            Arg(
                "verdict",
                Kind.CHOICE,
                "at-level, below, or withdraw your ballot",
                choices=_CHOICES,
            ),
            Arg("rating", Kind.INTEGER, "1 to 5, optional", required=False, low=1, high=5),
            Arg("comment", Kind.REST, "a comment, optional", required=False, max_length=500),
        ),
        "judge an event you attended (the same as reacting ✅ or ❌ to its review)",
        Who.MEMBER,
        vote,
    ),
    Command(
        "review status",
        (Arg("event", Kind.NUMBER, "the event's number, e.g. 12 or #12"),),
        "how an event's review stands, or its outcome",
        Who.ANYONE,
        status,
        changes=False,
    ),
]
