"""Peer review: who may vote, quorum and the outcome."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from bot.model.events import NOT_VALIDATED, UNREVIEWED, VALIDATED

AT_LEVEL = "✅"
BELOW = "❌"
# Platforms spell the two reactions in several ways; the variation selector is dropped first.
_AT_LEVEL = {"✅", "✔", "☑", "white_check_mark", "heavy_check_mark", ":white_check_mark:"}
_BELOW = {"❌", "✖", "❎", "x", ":x:", "negative_squared_cross_mark"}


@dataclass(frozen=True)
class Ballot:
    member_id: int
    at_level: bool
    cast_at: datetime
    rating: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Tally:
    voters: int
    at_level: int
    below: int

    @property
    def ballots(self) -> int:
        return self.at_level + self.below


def verdict(emoji: str) -> bool | None:
    """True for at level, False for below, None for a reaction that casts nothing."""
    cleaned = emoji.replace("\ufe0f", "").strip()
    if cleaned in _AT_LEVEL:
        return True
    if cleaned in _BELOW:
        return False
    return None


def quorum(voters: int) -> int:
    """At least two ballots, and at least a third of the voters."""
    return max(2, math.ceil(Fraction(voters, 3)))


def tally(voters: int, ballots: Sequence[Ballot]) -> Tally:
    at_level = sum(1 for b in ballots if b.at_level)
    return Tally(voters, at_level, len(ballots) - at_level)


def outcome(result: Tally, pass_share: Fraction) -> str:
    if result.ballots < quorum(result.voters):
        return UNREVIEWED
    if Fraction(result.at_level, result.ballots) >= pass_share:
        return VALIDATED
    return NOT_VALIDATED


def everyone_voted(voter_ids: Sequence[int], ballots: Sequence[Ballot]) -> bool:
    cast = {b.member_id for b in ballots}
    return all(v in cast for v in voter_ids)
