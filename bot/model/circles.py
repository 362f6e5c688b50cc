"""Circles: the size cap, the waiting list, forming and active."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

FORMING = "forming"
ACTIVE = "active"
ARCHIVED = "archived"


@dataclass
class Circle:
    id: int
    community_id: int
    number: int
    name: str
    topic: str
    size: int
    status: str
    created_at: datetime
    description: str = ""


@dataclass(frozen=True)
class Seat:
    """A member's place in a circle, or on its waiting list."""

    member_id: int
    display_name: str
    context_key: str | None
    context: str | None
    lead: bool
    waiting: bool
    since: datetime
    # Breaks ties between seats taken at the same instant: first come, first served.
    order: int = 0


def members(seats: Sequence[Seat]) -> list[Seat]:
    return [s for s in seats if not s.waiting]


def waiting(seats: Sequence[Seat]) -> list[Seat]:
    return sorted((s for s in seats if s.waiting), key=lambda s: (s.since, s.order))


def contexts(seats: Sequence[Seat]) -> set[str]:
    return {s.context_key for s in members(seats) if s.context_key}


def status_for(seats: Sequence[Seat], min_members: int, min_contexts: int) -> str:
    """Active once enough members from enough distinct contexts; forming otherwise.

    Recomputed on every change: a circle that loses its diversity forms again,
    because its events would no longer be assured by peers from different places.
    """
    seated = members(seats)
    if len(seated) >= min_members and len(contexts(seated)) >= min_contexts:
        return ACTIVE
    return FORMING


def next_admitted(seats: Sequence[Seat]) -> Seat | None:
    """The first waiting member whose context is least represented in the circle.

    Members without a context rank after every known context: they cannot add
    diversity the circle can see.
    """
    queue = waiting(seats)
    if not queue:
        return None
    counts = Counter(s.context_key for s in members(seats))

    def weight(seat: Seat) -> tuple[int, int]:
        if seat.context_key is None:
            return (1, 0)
        return (0, counts[seat.context_key])

    best = min(weight(s) for s in queue)
    return next(s for s in queue if weight(s) == best)


def waiting_position(seats: Sequence[Seat], member_id: int) -> int:
    for index, seat in enumerate(waiting(seats), start=1):
        if seat.member_id == member_id:
            return index
    return 0
