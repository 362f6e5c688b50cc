"""A member's journey: the moments of their record in time order, and the track record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# What a moment is; the picture gives each its own lane.
CIRCLE = "circle"  # joined or led a circle
ATTENDED = "attended"  # attended an event (with its review outcome)
HOSTED = "hosted"  # hosted an event (with its review outcome)
BALLOT = "ballot"  # cast a review ballot
ISSUED = "issued"  # issued hours of their own time
DELIVERED = "delivered"  # delivered hours they had issued, confirmed by the holder
RECEIVED = "received"  # received a service for hours they held
AGREEMENT = "agreement"  # a tutoring agreement, as learner or provider
ASSESSMENT = "assessment"  # an assessment passed or failed
BADGE = "badge"  # a badge earned or awarded
NOTE = "note"  # their own journal note
KINDS = (
    CIRCLE,
    ATTENDED,
    HOSTED,
    BALLOT,
    ISSUED,
    DELIVERED,
    RECEIVED,
    AGREEMENT,
    ASSESSMENT,
    BADGE,
    NOTE,
)


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware, UTC
    kind: str  # one of KINDS
    text: str  # one line, already worded for the member
    # The outcome where there is one: True at level / passed, False below / failed.
    good: bool | None = None
    # What the text reply words the moment with (numbers, names, titles).
    params: tuple[tuple[str, str | int], ...] = ()
    # Orders moments of one kind at one instant (ids of the rows they come from).
    order: tuple[int, int] = (0, 0)

    def param(self, name: str) -> str | int | None:
        return next((value for key, value in self.params if key == name), None)


def in_order(moments: list[Moment]) -> list[Moment]:
    """Time order; moments at one instant keep the order of KINDS (joined before attended)."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(moments, key=lambda m: (m.at, rank.get(m.kind, len(rank)), m.order))


def page_of(count: int, size: int, page: int | None) -> tuple[int, int, int, int]:
    """(page, pages, first, last) of a journey read `size` moments a page, counted back
    from the newest: page 1, the default, is the latest moments, in time order."""
    pages = max(1, -(-count // size))
    chosen = 1 if page is None else page
    if not 1 <= chosen <= pages:
        raise ValueError(chosen)
    last = count - (chosen - 1) * size
    return chosen, pages, max(0, last - size), last


@dataclass(frozen=True)
class TrackRecord:
    """The reputation DOMAIN.md asks for: a record, not one opaque number."""

    hosted: int = 0  # past events hosted, cancelled ones aside
    hosted_validated: int = 0
    hosted_below: int = 0  # closed and not validated
    hosted_unreviewed: int = 0  # closed without a quorum
    hosted_pending: int = 0  # still in review, or not yet reviewed
    rating_sum: int = 0
    ratings: int = 0
    ballots: int = 0
    issued: int = 0  # minutes of their own time ever issued
    delivered: int = 0  # minutes delivered and confirmed
    outstanding: int = 0  # minutes of theirs out in the world, not yet redeemed or returned
    redemptions_confirmed: int = 0
    redemptions_open: int = 0  # requested or delivered, not yet confirmed
    redemptions_declined: int = 0  # requests they declined (a holder's own cancel is not counted)
    redemptions_disputed: int = 0  # in dispute, or refunded after one
    learners_passed: int = 0  # as a provider
    learners_failed: int = 0

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    @property
    def pass_rate(self) -> float | None:
        tested = self.learners_passed + self.learners_failed
        return self.learners_passed / tested if tested else None
