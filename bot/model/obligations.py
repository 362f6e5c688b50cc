"""Yearly obligations: membership years, the pro-rata share, and the status that follows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

MET = "met"
ON_TRACK = "on_track"
BEHIND = "behind"

# Nudges go out at the end of each of the first three quarters of a membership year;
# after the fourth the year is over and a new one starts.
NUDGE_QUARTERS = (1, 2, 3)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks becomes its last day
    (a member who joined on 29 February renews on 28 February)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    days = (datetime(year + month // 12, month % 12 + 1, 1) - datetime(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, days))


@dataclass(frozen=True)
class Year:
    """One membership year: index 0 is the first."""

    index: int
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def share_elapsed(self, now: datetime) -> Fraction:
        """How much of the year has gone, measured in quarters so that each quarter mark
        (the day nudges go out) is exactly a quarter, a half and three quarters."""
        if now <= self.start:
            return Fraction(0)
        if now >= self.end:
            return Fraction(1)
        quarter = max(q for q in range(4) if self.quarter_mark(q) <= now)
        begins, ends = self.quarter_mark(quarter), self.quarter_mark(quarter + 1)
        within = Fraction(int((now - begins).total_seconds()), int((ends - begins).total_seconds()))
        return (quarter + within) / 4

    def days_left(self, now: datetime) -> int:
        return max(0, math.ceil((self.end - now).total_seconds() / 86400))

    def quarter_mark(self, quarter: int) -> datetime:
        return add_months(self.start, 3 * quarter)


def year_of(joined: datetime, now: datetime) -> Year:
    """The membership year `now` falls in; years run from the joining date."""
    index = max(0, now.year - joined.year - 1)
    while add_months(joined, 12 * (index + 1)) <= now:
        index += 1
    return year_number(joined, index)


def year_number(joined: datetime, index: int) -> Year:
    return Year(index, add_months(joined, 12 * index), add_months(joined, 12 * (index + 1)))


@dataclass(frozen=True)
class Standing:
    attended: int
    hosted: int
    attend_required: int
    host_required: int

    @property
    def attend_left(self) -> int:
        return max(0, self.attend_required - self.attended)

    @property
    def host_left(self) -> int:
        return max(0, self.host_required - self.hosted)

    @property
    def met(self) -> bool:
        return self.attend_left == 0 and self.host_left == 0


def due_by_now(required: int, elapsed: Fraction) -> int:
    """The pro-rata share of `required` for the part of the year gone, in whole events:
    nobody is behind for missing a fraction of an event they could not yet have held."""
    return math.floor(required * elapsed)


def status(standing: Standing, elapsed: Fraction) -> str:
    """Met; on track when both counts reach the year's pro-rata share so far; else behind."""
    if standing.met:
        return MET
    if standing.attended >= due_by_now(
        standing.attend_required, elapsed
    ) and standing.hosted >= due_by_now(standing.host_required, elapsed):
        return ON_TRACK
    return BEHIND


def quarter_marks_between(joined: datetime, since: datetime, until: datetime) -> list[Year]:
    """Membership years whose quarter mark falls in (since, until], one entry per mark,
    so a sweep over that span nudges each member at most once per mark."""
    found: list[Year] = []
    first = year_of(joined, since) if since >= joined else year_number(joined, 0)
    index = first.index
    while True:
        year = year_number(joined, index)
        if year.start > until:
            return found
        for quarter in NUDGE_QUARTERS:
            mark = year.quarter_mark(quarter)
            if since < mark <= until:
                found.append(year)
        index += 1
