"""Rules of events, reviews and obligations that need no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from bot.errors import DomainError
from bot.model import events as ev
from bot.model import obligations as ob
from bot.model import reviews as rv
from tests.support import START

LONDON = ZoneInfo("Europe/London")


def event(**changes: object) -> ev.Event:
    base = ev.Event(
        id=1,
        community_id=1,
        circle_id=1,
        number=7,
        title="Conversation",
        starts_at=START + timedelta(days=1),
        ends_at=START + timedelta(days=1, hours=1),
        status=ev.SCHEDULED,
        counts=True,
        created_by=1,
        created_at=START,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def attendee(
    member_id: int, rsvp: str | None, order: int = 0, present: bool = False
) -> ev.Attendee:
    return ev.Attendee(
        member_id, f"m{member_id}", rsvp, START, START if present else None, order=order
    )


def test_states_follow_the_clock_until_a_review_is_stored() -> None:
    e = event()
    assert ev.state(e, START) == ev.SCHEDULED
    assert ev.state(e, e.starts_at) == ev.RUNNING
    assert ev.state(e, e.ends_at - timedelta(seconds=1)) == ev.RUNNING
    assert ev.state(e, e.ends_at) == ev.IN_REVIEW
    e.status = ev.CANCELLED
    assert ev.state(e, e.starts_at) == ev.CANCELLED
    e.status = ev.VALIDATED
    assert ev.state(e, START) == ev.VALIDATED


def test_the_checkin_window_runs_from_before_the_start_to_after_the_end() -> None:
    opens, closes = ev.checkin_window(event(), 15, 30)
    assert opens == START + timedelta(days=1) - timedelta(minutes=15)
    assert closes == START + timedelta(days=1, hours=1, minutes=30)


def test_times_are_checked() -> None:
    start = START + timedelta(hours=2)
    ev.check_times(start, start + timedelta(hours=1), START)
    with pytest.raises(DomainError) as past:
        ev.check_times(START, START + timedelta(hours=1), START)
    assert past.value.code == "event.start_past"
    with pytest.raises(DomainError) as backwards:
        ev.check_times(start, start - timedelta(minutes=1), START)
    assert backwards.value.code == "event.end_before_start"
    with pytest.raises(DomainError) as empty:
        ev.check_times(start, start, START)
    assert empty.value.code == "event.end_before_start"
    with pytest.raises(DomainError) as long:
        ev.check_times(start, start + timedelta(hours=25), START)
    assert long.value.code == "event.too_long"
    with pytest.raises(DomainError) as far:
        ev.check_times(START + timedelta(days=800), START + timedelta(days=800, hours=1), START)
    assert far.value.code == "event.start_far"


def test_capacity_may_be_zero_but_not_negative() -> None:
    ev.check_capacity(None)
    ev.check_capacity(0)
    with pytest.raises(DomainError) as negative:
        ev.check_capacity(-1)
    assert negative.value.code == "event.capacity_negative"


def test_weekly_repeats_keep_the_local_time_across_daylight_saving() -> None:
    # 18:00 in London on 15 March 2027 (GMT); the clocks go forward on 28 March.
    first = datetime(2027, 3, 15, 18, 0, tzinfo=LONDON).astimezone(UTC)
    starts = ev.occurrences(first, LONDON, "weekly", 3)
    assert [s.astimezone(LONDON).hour for s in starts] == [18, 18, 18]
    assert [s.hour for s in starts] == [18, 18, 17]
    assert starts[1] - starts[0] == timedelta(days=7)


def test_fortnightly_and_monthly_repeats() -> None:
    first = datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    fortnightly = ev.occurrences(first, ZoneInfo("UTC"), "fortnightly", 3)
    assert [s.day for s in fortnightly] == [31, 14, 28]
    monthly = ev.occurrences(first, ZoneInfo("UTC"), "monthly", 4)
    assert [(s.month, s.day) for s in monthly] == [(1, 31), (2, 28), (3, 31), (4, 30)]
    year_end = ev.occurrences(datetime(2027, 11, 5, tzinfo=UTC), ZoneInfo("UTC"), "monthly", 3)
    assert [(s.year, s.month) for s in year_end] == [(2027, 11), (2027, 12), (2028, 1)]


def test_repeat_counts_are_bounded_and_need_a_repeat() -> None:
    assert ev.occurrences(START, LONDON, None, 1) == [START]
    for repeat, count, code in (
        (None, 2, "event.count_without_repeat"),
        ("weekly", 0, "event.count_range"),
        ("weekly", 53, "event.count_range"),
    ):
        with pytest.raises(DomainError) as refused:
            ev.occurrences(START, LONDON, repeat, count)
        assert refused.value.code == code


def test_places_and_the_waiting_list_are_first_come_first_served() -> None:
    e = event(capacity=2)
    people = [
        attendee(1, ev.GOING, 1),
        attendee(2, ev.WAITING, 3),
        attendee(3, ev.WAITING, 2),
        attendee(4, ev.MAYBE, 4),
    ]
    assert ev.places_left(e, people) == 1
    assert ev.has_place(e, people, 5)
    assert [a.member_id for a in ev.waiting(people)] == [3, 2]
    assert ev.waiting_position(people, 2) == 2
    assert [a.member_id for a in ev.to_admit(e, people)] == [3]
    full = [*people, attendee(5, ev.GOING, 5)]
    assert not ev.has_place(e, full, 6)
    assert ev.has_place(e, full, 5)  # saying going again keeps one's own place
    assert ev.to_admit(e, full) == []
    assert ev.places_left(event(), people) is None
    assert ev.has_place(event(capacity=0), [], 1) is False


def test_walk_ins_check_in_only_while_there_is_room() -> None:
    e = event(capacity=2)
    people = [attendee(1, ev.GOING), attendee(2, None, present=True), attendee(3, ev.MAYBE)]
    assert ev.self_checkin_has_room(e, people, 1, hosts=[])
    assert not ev.self_checkin_has_room(e, people, 3, hosts=[])
    assert ev.self_checkin_has_room(event(), people, 3, hosts=[])
    # Hosts take no places.
    assert ev.self_checkin_has_room(e, [*people[:1], attendee(9, ev.GOING)], 3, hosts=[9])


def ballots(*verdicts: bool) -> list[rv.Ballot]:
    return [rv.Ballot(i, v, START) for i, v in enumerate(verdicts)]


def test_reactions_are_read_in_every_spelling() -> None:
    assert rv.verdict("✅") is True
    assert rv.verdict("✔️") is True
    assert rv.verdict("white_check_mark") is True
    assert rv.verdict("❌") is False
    assert rv.verdict("x") is False
    assert rv.verdict("👍") is None


@pytest.mark.parametrize(
    ("voters", "needed"), [(0, 2), (1, 2), (2, 2), (6, 2), (7, 3), (9, 3), (10, 4), (30, 10)]
)
def test_quorum_is_two_or_a_third_of_the_voters(voters: int, needed: int) -> None:
    assert rv.quorum(voters) == needed


def test_outcomes() -> None:
    two_thirds = Fraction(2, 3)
    assert rv.outcome(rv.tally(3, ballots(True)), two_thirds) == ev.UNREVIEWED
    assert rv.outcome(rv.tally(3, ballots(True, True)), two_thirds) == ev.VALIDATED
    assert rv.outcome(rv.tally(3, ballots(True, False)), two_thirds) == ev.NOT_VALIDATED
    # Exactly two thirds passes; just under does not.
    assert rv.outcome(rv.tally(3, ballots(True, True, False)), two_thirds) == ev.VALIDATED
    assert rv.outcome(rv.tally(9, ballots(True, True, False, False)), two_thirds) == (
        ev.NOT_VALIDATED
    )
    assert rv.outcome(rv.tally(10, ballots(True, True, True)), two_thirds) == ev.UNREVIEWED
    assert rv.outcome(rv.tally(1, ballots(True)), two_thirds) == ev.UNREVIEWED
    assert rv.outcome(rv.tally(2, ballots(True, False)), Fraction(1, 2)) == ev.VALIDATED


def test_everyone_voted() -> None:
    assert rv.everyone_voted([0, 1], ballots(True, False))
    assert not rv.everyone_voted([0, 1, 5], ballots(True, False))
    assert rv.everyone_voted([], [])


def test_membership_years_run_from_the_joining_date() -> None:
    joined = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    first = ob.year_of(joined, joined)
    assert first.index == 0 and first.start == joined
    assert first.end == datetime(2025, 2, 28, 12, 0, tzinfo=UTC)
    assert ob.year_of(joined, first.end - timedelta(seconds=1)).index == 0
    second = ob.year_of(joined, first.end)
    assert second.index == 1 and second.start == first.end
    assert ob.year_of(joined, datetime(2028, 3, 1, tzinfo=UTC)).index == 4
    assert ob.year_of(joined, datetime(2028, 2, 29, 12, tzinfo=UTC)).start == datetime(
        2028, 2, 29, 12, tzinfo=UTC
    )


def test_days_left_and_elapsed_share() -> None:
    year = ob.year_of(START, START)
    assert year.days_left(START) == 365
    assert year.days_left(START + timedelta(hours=1)) == 365
    assert year.days_left(year.end) == 0
    assert year.share_elapsed(START) == 0
    assert year.share_elapsed(year.end + timedelta(days=3)) == 1
    # Quarter marks are exact quarters, whatever the months' lengths.
    assert year.share_elapsed(datetime(2027, 3, 1, 9, 0, tzinfo=UTC)) == Fraction(1, 4)
    assert year.share_elapsed(datetime(2027, 9, 1, 9, 0, tzinfo=UTC)) == Fraction(3, 4)
    halfway = year.share_elapsed(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    assert Fraction(1, 8) - Fraction(1, 100) < halfway < Fraction(1, 8) + Fraction(1, 100)
    assert ob.status(ob.Standing(0, 0, 4, 2), year.share_elapsed(year.quarter_mark(1))) == (
        ob.BEHIND
    )


def test_status_is_met_on_track_or_behind() -> None:
    half = Fraction(1, 2)
    assert ob.status(ob.Standing(4, 2, 4, 2), half) == ob.MET
    assert ob.status(ob.Standing(5, 3, 4, 2), Fraction(0)) == ob.MET
    assert ob.status(ob.Standing(2, 1, 4, 2), half) == ob.ON_TRACK
    assert ob.status(ob.Standing(1, 1, 4, 2), half) == ob.BEHIND
    assert ob.status(ob.Standing(4, 0, 4, 2), half) == ob.BEHIND
    assert ob.status(ob.Standing(0, 0, 4, 2), Fraction(0)) == ob.ON_TRACK
    # The share is counted in whole events: a day into the year nobody is behind yet,
    # and a quarter in, one attended event (of four) is due but no hosted one (of two).
    assert ob.status(ob.Standing(0, 0, 4, 2), Fraction(1, 365)) == ob.ON_TRACK
    assert ob.status(ob.Standing(0, 0, 4, 2), Fraction(1, 4)) == ob.BEHIND
    assert ob.status(ob.Standing(1, 0, 4, 2), Fraction(1, 4)) == ob.ON_TRACK
    assert ob.status(ob.Standing(1, 0, 4, 2), Fraction(1, 2)) == ob.BEHIND
    assert ob.due_by_now(4, Fraction(3, 4)) == 3
    assert ob.status(ob.Standing(0, 0, 0, 0), half) == ob.MET
    standing = ob.Standing(1, 3, 4, 2)
    assert (standing.attend_left, standing.host_left) == (3, 0)


def test_quarter_marks_fall_once_in_each_span() -> None:
    joined = datetime(2026, 1, 10, tzinfo=UTC)
    marks = ob.quarter_marks_between(
        joined, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC)
    )
    assert [y.index for y in marks] == [0, 0, 0, 1, 1, 1]
    assert ob.quarter_marks_between(joined, joined, datetime(2026, 4, 9, tzinfo=UTC)) == []
    april = ob.quarter_marks_between(
        joined, datetime(2026, 4, 9, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)
    )
    assert [y.index for y in april] == [0]
    after = ob.quarter_marks_between(
        joined, datetime(2026, 4, 10, tzinfo=UTC), datetime(2026, 4, 11, tzinfo=UTC)
    )
    assert after == []
