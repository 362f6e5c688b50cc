"""Events: schedule (once or repeating), RSVP with a waiting list, check-in, cancel,
change, list, info, an iCalendar export, and the reminders before each event."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar

from bot.arguments import resolve_member
from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg, page_params
from bot.errors import DomainError
from bot.jobs import JobCtx, JobHandler, Scope, schedule
from bot.model import circles as circle_rules
from bot.model import events as rules
from bot.model.circles import Circle, Seat
from bot.model.events import Attendee, Event
from bot.model.members import Member
from bot.model.paging import command_line
from bot.model.units import (
    bounded_text,
    format_minutes,
    local_time,
    parse_instant,
    parse_minutes,
)
from bot.replies import JSON, Anchor, Attachment, Reply, instant, nested
from bot.services import circles

REMIND = "event.remind"
OPEN_REVIEW = "review.open"
NUDGES = "obligations.nudge"
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_SPLIT = re.compile(r"[,\s]+")


def ref(event: Event) -> str:
    return f"event:{event.id}"


async def load(ctx: Ctx, number: int, *, lock: bool = False) -> Event:
    event = await ctx.uow.events.by_number(ctx.community.id, number, lock=lock)
    if event is None:
        raise DomainError("event.unknown", number=number)
    return event


def seated(seats: Sequence[Seat], member_id: int) -> bool:
    return any(s.member_id == member_id and not s.waiting for s in seats)


def setting_minutes(scope: Scope, name: str) -> int:
    return int(scope.settings[name])


def window(scope: Scope, event: Event) -> tuple[datetime, datetime]:
    return rules.checkin_window(
        event, setting_minutes(scope, "checkin_before"), setting_minutes(scope, "checkin_after")
    )


async def host_ids(scope: Scope, event: Event) -> list[int]:
    return [member_id for member_id, _ in await scope.uow.events.hosts(event.id)]


def end_of(text: str, start: datetime, ctx: Ctx) -> datetime:
    """The duration argument: a length (`90m`, `1.5`), or an end time (`20:00` on the
    start's day in the speaker's zone, or a full date and time)."""
    try:
        return start + timedelta(minutes=parse_minutes(text))
    except DomainError as error:
        if error.code != "input.duration":
            raise
    clock = _CLOCK.match(text.strip())
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        local = start.astimezone(ctx.timezone)
        try:
            wall = local.replace(hour=hour, minute=minute, tzinfo=None)
        except ValueError:
            raise DomainError("event.duration", value=text) from None
        return local_time(wall, ctx.timezone).astimezone(UTC)
    try:
        return parse_instant(text, ctx.timezone)
    except DomainError as error:
        if error.code != "input.instant":
            raise  # a date past the calendar's ends, or in a daylight-saving gap
        raise DomainError("event.duration", value=text) from None


async def _hosts(ctx: Ctx, text: str | None, seats: Sequence[Seat], circle: Circle) -> list[Member]:
    if not text:
        if not seated(seats, ctx.member.id):
            raise DomainError("event.scheduler_not_member", name=circle.name)
        return [ctx.member]
    found: dict[int, Member] = {}
    for word in _SPLIT.split(text.strip()):
        if not word:
            continue
        member = await resolve_member(ctx, word, "hosts")
        if not seated(seats, member.id):
            raise DomainError("event.host_not_member", member=member.display_name, name=circle.name)
        found[member.id] = member
    if not found:
        raise DomainError("input.member", name="hosts", value=text)
    return list(found.values())


async def plan_jobs(scope: Scope, event: Event) -> None:
    """Reminders before the start and the review at the end. Offsets already past are
    skipped, so an event an hour away gets no 24-hour reminder."""
    offsets = sorted({int(o) for o in scope.settings["reminders"]}, reverse=True)
    for index, offset in enumerate(offsets):
        due = event.starts_at - timedelta(minutes=offset)
        if due <= scope.now:
            continue
        # A runner that wakes late sends only the nearest reminder, not a stale one too.
        later = offsets[index + 1] if index + 1 < len(offsets) else 0
        payload = {
            "event_id": event.id,
            "starts_at": event.starts_at.isoformat(),
            "stale_at": (event.starts_at - timedelta(minutes=later)).isoformat(),
        }
        await schedule(scope, REMIND, due, payload, ref=ref(event))
    await schedule(scope, OPEN_REVIEW, event.ends_at, {"event_id": event.id}, ref=ref(event))


async def ensure_nudges(scope: Scope) -> None:
    """The community's recurring sweep for quarterly nudges; one pending at a time."""
    await schedule(
        scope,
        NUDGES,
        scope.now + timedelta(days=1),
        {"since": scope.now.isoformat()},
        unique_key=NUDGES,
    )


async def schedule_event(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    circle = await circles.load(ctx, args["circle"], lock=True)
    if circle.status == circle_rules.ARCHIVED:
        raise DomainError("circle.is_archived", name=circle.name)
    seats = await ctx.uow.circles.seats(circle.id)
    circles.require_lead(ctx, circle, seats)
    title = bounded_text(args["title"], "title", 120)
    start: datetime = args["start"]
    end = end_of(args["duration"], start, ctx)
    rules.check_times(start, end, ctx.now)
    capacity: int | None = args.get("capacity")
    rules.check_capacity(capacity)
    hosts = await _hosts(ctx, args.get("hosts"), seats, circle)
    repeat: str | None = args.get("repeat")
    count: int | None = args.get("count")
    if repeat is not None and count is None:
        raise DomainError("event.count_missing", repeat=repeat)
    starts = rules.occurrences(start, ctx.timezone, repeat, count or 1)
    location = " ".join((args.get("where") or "").split())[:500]
    description = " ".join((args.get("about") or "").split())
    length = end - start
    counts = circle.status == circle_rules.ACTIVE
    created: list[Event] = []
    for index, begins in enumerate(starts, start=1):
        number = await ctx.uow.communities.next_number(ctx.community.id)
        event = await ctx.uow.events.create(
            Event(
                id=0,
                community_id=ctx.community.id,
                circle_id=circle.id,
                number=number,
                title=title,
                starts_at=begins,
                ends_at=begins + length,
                status=rules.SCHEDULED,
                counts=counts,
                created_by=ctx.member.id,
                created_at=ctx.now,
                capacity=capacity,
                description=description,
                location=location,
                occurrence=index,
            )
        )
        await ctx.uow.events.add_hosts(event.id, [h.id for h in hosts])
        await plan_jobs(ctx, event)
        created.append(event)
    if len(created) > 1:
        await ctx.uow.events.set_series([e.id for e in created], created[0].id)
    await ensure_nudges(ctx)
    first = created[0]
    params: dict[str, JSON] = {
        "number": first.number,
        "title": title,
        "circle": circle.name,
        "start": instant(first.starts_at),
        "length": format_minutes(first.minutes),
        "hosts": ", ".join(h.display_name for h in hosts),
        "capacity": nested("event.capacity_line", capacity=capacity)
        if capacity is not None
        else "",
        "repeats": nested(
            "event.repeats_line",
            count=len(created),
            repeat={"$key": f"event.repeat_{repeat}"},
            numbers=", ".join(f"#{e.number}" for e in created),
            last=instant(created[-1].starts_at),
        )
        if len(created) > 1
        else "",
        "counts": "" if counts else nested("event.forming_warning", name=circle.name),
    }
    # Anchored, so adapters can put answer buttons on the post (Discord's RSVP).
    return Reply("event.scheduled", params, anchor=Anchor("event", first.id))


async def _admit_waiting(scope: Scope, event: Event) -> None:
    """Give free places to waiting members, first come first served, and tell them."""
    attendees = await scope.uow.events.attendees(event.id)
    for attendee in rules.to_admit(event, attendees):
        await scope.uow.events.set_rsvp(event.id, attendee.member_id, rules.GOING, scope.now)
        scope.tell_member(
            attendee.member_id,
            Reply(
                "event.admitted",
                {"number": event.number, "title": event.title, "start": instant(event.starts_at)},
            ),
        )


def _open_for_answers(ctx: Ctx, event: Event) -> None:
    current = rules.state(event, ctx.now)
    if current == rules.CANCELLED:
        raise DomainError("event.is_cancelled", number=event.number, title=event.title)
    if current not in (rules.SCHEDULED, rules.RUNNING):
        raise DomainError("event.is_over", number=event.number, title=event.title)


async def rsvp(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    # Locked so two members can't both take the last place.
    event = await load(ctx, args["event"], lock=True)
    _open_for_answers(ctx, event)
    circle = await ctx.uow.circles.get(event.circle_id)
    if not seated(await ctx.uow.circles.seats(circle.id), ctx.member.id):
        raise DomainError("event.not_circle_member", name=circle.name, number=event.number)
    if ctx.member.id in await host_ids(ctx, event):
        raise DomainError("event.host_rsvp", number=event.number)
    attendees = await ctx.uow.events.attendees(event.id)
    mine = next((a for a in attendees if a.member_id == ctx.member.id), None)
    before = mine.rsvp if mine else None
    answer: str = args["answer"]
    base = {"number": event.number, "title": event.title, "start": instant(event.starts_at)}
    if answer == rules.GOING:
        if before == rules.WAITING:
            position = rules.waiting_position(attendees, ctx.member.id)
            return Reply("event.still_waiting", {**base, "position": position}, private=True)
        if before == rules.GOING:
            return Reply("event.rsvp_going", base, private=True)
        if not rules.has_place(event, attendees, ctx.member.id):
            await ctx.uow.events.set_rsvp(event.id, ctx.member.id, rules.WAITING, ctx.now)
            position = len(rules.waiting(attendees)) + 1
            return Reply(
                "event.rsvp_waiting",
                {**base, "capacity": event.capacity, "position": position},
                private=True,
            )
        await ctx.uow.events.set_rsvp(event.id, ctx.member.id, rules.GOING, ctx.now)
        return Reply("event.rsvp_going", base, private=True)
    await ctx.uow.events.set_rsvp(event.id, ctx.member.id, answer, ctx.now)
    if before == rules.GOING:
        await _admit_waiting(ctx, event)
    key = "event.rsvp_maybe" if answer == rules.MAYBE else "event.rsvp_no"
    return Reply(key, base, private=True)


def _may_organise(ctx: Ctx, seats: Sequence[Seat], hosts: Sequence[int]) -> bool:
    return ctx.is_admin or circles.is_lead(list(seats), ctx.member.id) or ctx.member.id in hosts


async def checkin(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event = await load(ctx, args["event"], lock=True)
    if event.status == rules.CANCELLED:
        raise DomainError("event.is_cancelled", number=event.number, title=event.title)
    opens, closes = window(ctx, event)
    if ctx.now < opens:
        raise DomainError("event.checkin_not_open", number=event.number, opens=instant(opens))
    if ctx.now > closes or event.status in rules.CLOSED:
        raise DomainError("event.checkin_closed", number=event.number, closed=instant(closes))
    circle = await ctx.uow.circles.get(event.circle_id)
    seats = await ctx.uow.circles.seats(circle.id)
    hosts = await host_ids(ctx, event)
    target: Member = args.get("member") or ctx.member
    for_someone_else = target.id != ctx.member.id
    if for_someone_else and not _may_organise(ctx, seats, hosts):
        raise DomainError("event.checkin_others", number=event.number)
    if target.id in hosts:
        raise DomainError("event.host_present", member=target.display_name, number=event.number)
    if not seated(seats, target.id):
        raise DomainError(
            "event.checkin_not_member",
            member=target.display_name,
            name=circle.name,
            number=event.number,
        )
    attendees = await ctx.uow.events.attendees(event.id)
    mine = next((a for a in attendees if a.member_id == target.id), None)
    if mine is not None and mine.present:
        raise DomainError("event.already_in", member=target.display_name, number=event.number)
    if not for_someone_else and not rules.self_checkin_has_room(event, attendees, target.id, hosts):
        raise DomainError("event.checkin_full", number=event.number, capacity=event.capacity)
    await ctx.uow.events.check_in(event.id, target.id, ctx.member.id, ctx.now)
    params = {"member": target.display_name, "number": event.number, "title": event.title}
    if for_someone_else:
        ctx.tell_member(
            target.id, Reply("event.checked_in_by", {**params, "by": ctx.member.display_name})
        )
        return Reply("event.checked_in_other", params, private=True)
    return Reply("event.checked_in", params, private=True)


async def _tell_attendees(
    scope: Scope, event: Event, reply: Reply, *, skip: int | None = None
) -> None:
    """Everyone who said going or maybe, or is waiting, and the hosts."""
    told = {skip}
    for attendee in await scope.uow.events.attendees(event.id):
        if (
            attendee.rsvp in (rules.GOING, rules.MAYBE, rules.WAITING)
            and attendee.member_id not in told
        ):
            told.add(attendee.member_id)
            scope.tell_member(attendee.member_id, reply)
    for host in await host_ids(scope, event):
        if host not in told:
            told.add(host)
            scope.tell_member(host, reply)


async def _organised(ctx: Ctx, number: int) -> tuple[Event, Circle]:
    event = await load(ctx, number, lock=True)
    circle = await ctx.uow.circles.get(event.circle_id)
    seats = await ctx.uow.circles.seats(circle.id)
    if not _may_organise(ctx, seats, await host_ids(ctx, event)):
        raise DomainError("event.not_organiser", number=event.number, name=circle.name)
    return event, circle


async def cancel(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event, circle = await _organised(ctx, args["event"])
    current = rules.state(event, ctx.now)
    if current == rules.CANCELLED:
        raise DomainError("event.already_cancelled", number=event.number)
    if current not in (rules.SCHEDULED, rules.RUNNING):
        raise DomainError("event.cancel_over", number=event.number)
    targets = [event]
    if args.get("which") == "following" and event.series_id is not None:
        later = await ctx.uow.events.following(event.series_id, event.occurrence + 1)
        targets += [e for e in later if rules.state(e, ctx.now) == rules.SCHEDULED]
    for target in targets:
        target.status = rules.CANCELLED
        target.sequence += 1
        await ctx.uow.events.save(target)
        await ctx.uow.jobs.drop_pending(ctx.community.id, ref(target))
        await _tell_attendees(
            ctx,
            target,
            Reply(
                "event.cancelled_notice",
                {
                    "number": target.number,
                    "title": target.title,
                    "circle": circle.name,
                    "start": instant(target.starts_at),
                    "by": ctx.member.display_name,
                },
            ),
            skip=ctx.member.id,
        )
    return Reply(
        "event.cancelled",
        {
            "numbers": ", ".join(f"#{e.number}" for e in targets),
            "title": event.title,
            "circle": circle.name,
        },
    )


async def edit(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event, circle = await _organised(ctx, args["event"])
    if rules.state(event, ctx.now) != rules.SCHEDULED:
        raise DomainError("event.edit_started", number=event.number)
    changes: list[JSON] = []
    if args.get("title") is not None:
        event.title = bounded_text(args["title"], "title", 120)
        changes.append(nested("event.change_title", title=event.title))
    start, end = event.starts_at, event.ends_at
    if args.get("start") is not None:
        start = args["start"]
        end = start + (event.ends_at - event.starts_at)
    if args.get("duration") is not None:
        end = end_of(args["duration"], start, ctx)
    moved = (start, end) != (event.starts_at, event.ends_at)
    if moved:
        rules.check_times(start, end, ctx.now)
        event.starts_at, event.ends_at = start, end
        changes.append(
            nested(
                "event.change_time",
                start=instant(start),
                length=format_minutes(event.minutes),
            )
        )
    if args.get("capacity") is not None:
        capacity: int = args["capacity"]
        rules.check_capacity(capacity)
        going = len(rules.going(await ctx.uow.events.attendees(event.id)))
        if capacity < going:
            raise DomainError("event.capacity_below_going", capacity=capacity, going=going)
        event.capacity = capacity
        changes.append(nested("event.change_capacity", capacity=capacity))
    if args.get("where") is not None:
        event.location = " ".join(args["where"].split())[:500]
        changes.append(nested("event.change_where", where=event.location or None))
    if args.get("about") is not None:
        event.description = " ".join(args["about"].split())
        changes.append(nested("event.change_about"))
    if not changes:
        raise DomainError("event.edit_nothing", number=event.number)
    event.sequence += 1
    await ctx.uow.events.save(event)
    if moved:
        await ctx.uow.jobs.drop_pending(ctx.community.id, ref(event))
        await plan_jobs(ctx, event)
    await _admit_waiting(ctx, event)
    notice = Reply(
        "event.changed_notice",
        {
            "number": event.number,
            "title": event.title,
            "circle": circle.name,
            "changes": changes,
            "by": ctx.member.display_name,
        },
    )
    await _tell_attendees(ctx, event, notice, skip=ctx.member.id)
    return Reply("event.edited", {"number": event.number, "title": event.title, "changes": changes})


def _state_label(event: Event, now: datetime) -> JSON:
    return {"$key": f"event.state_{rules.state(event, now)}"}


async def list_events(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    page = ctx.page(args)
    where: str | None = args.get("circle")
    circle_id = None if where is None else (await circles.load(ctx, where)).id
    found = await ctx.uow.events.listed(
        ctx.community.id, ctx.now, circle_id, page.offset, page.limit
    )
    shown, more = page.rows(found, command_line("event list", where))
    if not shown:
        if where:
            return Reply("event.list_empty_circle", {"circle": where})
        return Reply("event.list_empty")
    lines: list[JSON] = [
        nested(
            "event.list_line",
            number=event.number,
            title=event.title,
            circle=circle,
            start=instant(event.starts_at),
            length=format_minutes(event.minutes),
            going=f"{count}/{event.capacity}" if event.capacity is not None else str(count),
            running=nested("event.list_running")
            if rules.state(event, ctx.now) == rules.RUNNING
            else "",
        )
        for event, circle, count in shown
    ]
    return Reply("event.list", {"lines": lines, **page_params(page, more, "event list", where)})


def _names(attendees: Sequence[Attendee], rsvp: str) -> str:
    chosen = (
        rules.waiting(attendees)
        if rsvp == rules.WAITING
        else [a for a in attendees if a.rsvp == rsvp]
    )
    return ", ".join(a.display_name for a in chosen) or "-"


async def info(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    event = await load(ctx, args["event"])
    circle = await ctx.uow.circles.get(event.circle_id)
    hosts = await ctx.uow.events.hosts(event.id)
    attendees = await ctx.uow.events.attendees(event.id)
    opens, closes = window(ctx, event)
    going = rules.going(attendees)
    present = [a.display_name for a in attendees if a.present]
    current = rules.state(event, ctx.now)
    outcome: JSON = ""
    if current in rules.CLOSED:
        outcome = nested(
            "event.info_outcome",
            at_level=event.at_level,
            below=event.below,
            voters=event.voters,
        )
    params: dict[str, JSON] = {
        "number": event.number,
        "title": event.title,
        "circle": circle.name,
        "state": _state_label(event, ctx.now),
        "start": instant(event.starts_at),
        "end": instant(event.ends_at),
        "length": format_minutes(event.minutes),
        "hosts": ", ".join(name for _, name in hosts),
        "going": f"{len(going)}/{event.capacity}" if event.capacity is not None else len(going),
        "going_names": _names(attendees, rules.GOING),
        "maybe": _names(attendees, rules.MAYBE),
        "waiting": _names(attendees, rules.WAITING),
        "present": ", ".join(present) or "-",
        "opens": instant(opens),
        "closes": instant(closes),
        "where": event.location or None,
        "about": nested("event.info_about", about=event.description) if event.description else "",
        "series": nested("event.info_series", occurrence=event.occurrence)
        if event.series_id is not None
        else "",
        "counts": "" if event.counts else nested("event.info_not_counting"),
        "outcome": outcome,
    }
    return Reply("event.info", params)


def _calendar(ctx: Ctx, found: Sequence[Event], names: Mapping[int, str]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Junto//Junto events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Junto: {ctx.community.name}")
    for event in found:
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.id}@{ctx.community.slug}.junto")
        entry.add("dtstamp", ctx.now)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", f"{event.title} ({names[event.circle_id]}, #{event.number})")
        description = event.description or f"A {names[event.circle_id]} event."
        entry.add(
            "description",
            f"{description}\nRSVP: !event rsvp {event.number} going\n"
            f"Check in: !event checkin {event.number}",
        )
        if event.location:
            entry.add("location", event.location)
            if event.location.startswith(("http://", "https://")):
                entry.add("url", event.location)
        entry.add("sequence", event.sequence)
        entry.add("status", "CONFIRMED")
        cal.add_component(entry)
    return bytes(cal.to_ical())


async def calendar(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    if args.get("circle") is not None:
        circle = await circles.load(ctx, args["circle"])
        circle_ids = [circle.id]
    else:
        circle_ids = await ctx.uow.events.circle_ids_of(ctx.member.id)
        if not circle_ids:
            raise DomainError("event.calendar_no_circles")
    found = await ctx.uow.events.upcoming(ctx.community.id, ctx.now, circle_ids, 500)
    if not found:
        raise DomainError("event.calendar_empty")
    names = {c: (await ctx.uow.circles.get(c)).name for c in {e.circle_id for e in found}}
    data = _calendar(ctx, found, names)
    return Reply(
        "event.calendar",
        {"count": len(found)},
        private=True,
        attachments=(Attachment("junto-events.ics", "text/calendar", data),),
    )


async def remind(ctx: JobCtx, payload: Mapping[str, Any]) -> None:
    event = await ctx.uow.events.get(int(payload["event_id"]))
    if event.status != rules.SCHEDULED or event.starts_at.isoformat() != payload["starts_at"]:
        return  # cancelled or moved since; the move planned its own reminders
    if ctx.now >= datetime.fromisoformat(payload["stale_at"]):
        return  # the next reminder (or the start) has come already
    left = math.ceil((event.starts_at - ctx.now).total_seconds() / 60)
    circle = await ctx.uow.circles.get(event.circle_id)
    opens, _ = window(ctx, event)
    reply = Reply(
        "event.reminder",
        {
            "number": event.number,
            "title": event.title,
            "circle": circle.name,
            "in": format_minutes(left),
            "start": instant(event.starts_at),
            "where": event.location or None,
            "opens": instant(opens),
        },
    )
    told: set[int] = set()
    for attendee in await ctx.uow.events.attendees(event.id):
        if attendee.rsvp in (rules.GOING, rules.MAYBE):
            told.add(attendee.member_id)
            ctx.tell_member(attendee.member_id, reply)
    for host in await host_ids(ctx, event):
        if host not in told:
            ctx.tell_member(host, reply)


JOBS: dict[str, JobHandler] = {REMIND: remind}

_EVENT = Arg("event", Kind.NUMBER, "the event's number, e.g. 12 or #12")

COMMANDS = [
    Command(
        "event schedule",
        (
            Arg("circle", Kind.CIRCLE, "the circle holding the event"),
            Arg(
                "title", Kind.TEXT, "what the event is (quote it if it has spaces)", max_length=120
            ),
            Arg("start", Kind.INSTANT, 'when it starts in your zone, e.g. "2026-12-01 18:00"'),
            Arg(
                "duration",
                Kind.TEXT,
                "how long (90m, 1.5, 1h30m) or when it ends (20:00)",
                max_length=40,
            ),
            Arg(
                "hosts",
                Kind.TEXT,
                "who provides it: @bob,@carol (default: you)",
                required=False,
                max_length=400,
            ),
            Arg(
                "capacity",
                Kind.INTEGER,
                "most members going; more join a waiting list",
                required=False,
            ),
            Arg(
                "repeat",
                Kind.CHOICE,
                "repeat it weekly, fortnightly or monthly (give a count too)",
                required=False,
                choices=rules.REPEATS,
            ),
            Arg("count", Kind.INTEGER, "how many occurrences in all", required=False),
            Arg(
                "about",
                Kind.TEXT,
                "a description",
                required=False,
                max_length=1000,
                named_only=True,
            ),
            Arg("where", Kind.REST, "a place or a link", required=False, max_length=500),
        ),
        "schedule an event for a circle (leads)",
        Who.LEAD,
        schedule_event,
        changes_badge_facts=False,
    ),
    Command(
        "event rsvp",
        (
            _EVENT,
            Arg("answer", Kind.CHOICE, "your answer", choices=(rules.GOING, rules.MAYBE, rules.NO)),
        ),
        "say whether you are coming; beyond its capacity, going joins the waiting list",
        Who.MEMBER,
        rsvp,
        changes_badge_facts=False,
    ),
    Command(
        "event checkin",
        (
            _EVENT,
            Arg("member", Kind.MEMBER, "someone else to check in (hosts)", required=False),
        ),
        "check in at an event, from shortly before its start until shortly after its end",
        Who.MEMBER,
        checkin,
        changes_badge_facts=False,
    ),
    Command(
        "event cancel",
        (
            _EVENT,
            Arg(
                "which",
                Kind.CHOICE,
                "this occurrence, or this and the following ones",
                required=False,
                choices=("this", "following"),
            ),
        ),
        "cancel an event; everyone coming is told",
        Who.LEAD,
        cancel,
        changes_badge_facts=False,
    ),
    Command(
        "event edit",
        (
            _EVENT,
            Arg("start", Kind.INSTANT, "a new start in your zone", required=False, named_only=True),
            Arg(
                "duration",
                Kind.TEXT,
                "a new length or end time",
                required=False,
                max_length=40,
                named_only=True,
            ),
            Arg("capacity", Kind.INTEGER, "a new capacity", required=False, named_only=True),
            Arg("title", Kind.TEXT, "a new title", required=False, max_length=120, named_only=True),
            Arg(
                "about",
                Kind.TEXT,
                "a new description",
                required=False,
                max_length=1000,
                named_only=True,
            ),
            Arg(
                "where",
                Kind.TEXT,
                "a new place or link",
                required=False,
                max_length=500,
                named_only=True,
            ),
        ),
        "change an event before it starts; everyone coming is told",
        Who.LEAD,
        edit,
        changes_badge_facts=False,
    ),
    Command(
        "event list",
        (Arg("circle", Kind.CIRCLE, "only this circle's events", required=False), page_arg()),
        "upcoming events",
        Who.ANYONE,
        list_events,
        changes=False,
    ),
    Command(
        "event info",
        (_EVENT,),
        "an event's time, hosts, who is coming and its review",
        Who.ANYONE,
        info,
        changes=False,
    ),
    Command(
        "event calendar",
        (Arg("circle", Kind.CIRCLE, "only this circle (default: your circles)", required=False),),
        "an iCalendar file of upcoming events for your calendar app",
        Who.MEMBER,
        calendar,
        changes=False,
    ),
]
