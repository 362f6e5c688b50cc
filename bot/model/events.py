"""Events and attendance: states, the check-in window, repeats, places and the waiting list."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import DomainError

# Stored states. "running" is never stored: it is a scheduled event whose start has passed.
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
RUNNING = "running"
IN_REVIEW = "in_review"
VALIDATED = "validated"
NOT_VALIDATED = "not_validated"
UNREVIEWED = "unreviewed"
CLOSED = (VALIDATED, NOT_VALIDATED, UNREVIEWED)

GOING = "going"
MAYBE = "maybe"
NO = "no"
WAITING = "waiting"  # said going when every place was taken

REPEATS = ("weekly", "fortnightly", "monthly")
MAX_OCCURRENCES = 52
LONGEST = timedelta(hours=24)
FURTHEST = timedelta(days=2 * 366)


@dataclass
class Event:
    id: int
    community_id: int
    circle_id: int
    number: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    # Whether the circle was active when the event was scheduled: only then does it count.
    counts: bool
    created_by: int
    created_at: datetime
    capacity: int | None = None
    description: str = ""
    location: str = ""
    series_id: int | None = None
    occurrence: int = 1
    # Bumped on every change so calendar apps replace their copy.
    sequence: int = 0
    review_closes_at: datetime | None = None
    closed_at: datetime | None = None
    at_level: int = 0
    below: int = 0
    voters: int = 0

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class Attendee:
    """A member's answer to one event, and whether they came."""

    member_id: int
    display_name: str
    rsvp: str | None
    rsvp_at: datetime | None
    checked_in_at: datetime | None
    # Breaks ties between answers given at the same instant: first come, first served.
    order: int = 0

    @property
    def present(self) -> bool:
        return self.checked_in_at is not None


def state(event: Event, now: datetime) -> str:
    """What an event is at `now`. A scheduled event whose end has passed is in review
    even before the job that posts its review has run, so a late runner changes nothing."""
    if event.status != SCHEDULED:
        return event.status
    if now < event.starts_at:
        return SCHEDULED
    if now < event.ends_at:
        return RUNNING
    return IN_REVIEW


def checkin_window(event: Event, before: int, after: int) -> tuple[datetime, datetime]:
    """From `before` minutes before the start until `after` minutes after the end."""
    return event.starts_at - timedelta(minutes=before), event.ends_at + timedelta(minutes=after)


def check_times(start: datetime, end: datetime, now: datetime) -> None:
    if start <= now:
        raise DomainError("event.start_past", start={"$instant": start.isoformat()})
    if start - now > FURTHEST:
        raise DomainError("event.start_far")
    if end <= start:
        raise DomainError(
            "event.end_before_start",
            start={"$instant": start.isoformat()},
            end={"$instant": end.isoformat()},
        )
    if end - start > LONGEST:
        raise DomainError("event.too_long")


def check_capacity(capacity: int | None) -> None:
    if capacity is not None and capacity < 0:
        raise DomainError("event.capacity_negative", value=capacity)


def occurrences(start: datetime, tz: ZoneInfo, repeat: str | None, count: int) -> list[datetime]:
    """Start instants of each occurrence, keeping the wall-clock time in `tz` across
    daylight-saving changes. A monthly event on the 31st falls on the last day of
    shorter months."""
    if count < 1 or count > MAX_OCCURRENCES:
        raise DomainError("event.count_range", low=1, high=MAX_OCCURRENCES, value=count)
    if repeat is None:
        if count != 1:
            raise DomainError("event.count_without_repeat")
        return [start]
    if repeat not in REPEATS:
        raise DomainError("input.choice", name="repeat", choices=", ".join(REPEATS), value=repeat)
    local = start.astimezone(tz)
    starts = []
    for index in range(count):
        if repeat == "monthly":
            month0 = local.month - 1 + index
            year, month = local.year + month0 // 12, month0 % 12 + 1
            day = min(local.day, calendar.monthrange(year, month)[1])
            wall = local.replace(year=year, month=month, day=day, tzinfo=None)
        else:
            step = 7 if repeat == "weekly" else 14
            wall = local.replace(tzinfo=None) + timedelta(days=step * index)
        starts.append(wall.replace(tzinfo=tz).astimezone(UTC))
    return starts


def going(attendees: Sequence[Attendee]) -> list[Attendee]:
    return [a for a in attendees if a.rsvp == GOING]


def waiting(attendees: Sequence[Attendee]) -> list[Attendee]:
    return sorted(
        (a for a in attendees if a.rsvp == WAITING),
        key=lambda a: (a.rsvp_at or datetime.min.replace(tzinfo=UTC), a.order),
    )


def has_place(event: Event, attendees: Sequence[Attendee], member_id: int) -> bool:
    """Whether `member_id` can say going now without waiting for a place."""
    if event.capacity is None:
        return True
    others = [a for a in going(attendees) if a.member_id != member_id]
    return len(others) < event.capacity


def places_left(event: Event, attendees: Sequence[Attendee]) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - len(going(attendees)))


def to_admit(event: Event, attendees: Sequence[Attendee]) -> list[Attendee]:
    """Waiting members who get the places that are free, first come first served."""
    free = places_left(event, attendees)
    queue = waiting(attendees)
    return queue if free is None else queue[:free]


def waiting_position(attendees: Sequence[Attendee], member_id: int) -> int:
    for index, attendee in enumerate(waiting(attendees), start=1):
        if attendee.member_id == member_id:
            return index
    return 0


def self_checkin_has_room(
    event: Event, attendees: Sequence[Attendee], member_id: int, hosts: Sequence[int]
) -> bool:
    """A member who did not say going may still walk in while there is room: the
    places taken are those promised (going) plus those already checked in without one."""
    if event.capacity is None:
        return True
    mine = next((a for a in attendees if a.member_id == member_id), None)
    if mine is not None and mine.rsvp == GOING:
        return True
    taken = sum(
        1
        for a in attendees
        if a.member_id not in hosts and (a.rsvp == GOING or (a.present and a.rsvp != GOING))
    )
    return taken < event.capacity
