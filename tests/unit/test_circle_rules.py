from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.model.circles import ACTIVE, FORMING, Seat, next_admitted, status_for, waiting_position
from bot.model.members import context_key

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def seat(
    member_id: int,
    context: str | None,
    *,
    waiting: bool = False,
    lead: bool = False,
    minutes: int = 0,
) -> Seat:
    return Seat(
        member_id,
        f"m{member_id}",
        context_key(context),
        context,
        lead,
        waiting,
        T0 + timedelta(minutes=minutes),
        order=member_id,
    )


def test_active_needs_enough_members_from_enough_contexts() -> None:
    two = [seat(1, "UK"), seat(2, "Nigeria")]
    assert status_for(two, 3, 2) == FORMING
    one_context = [seat(1, "UK"), seat(2, "uk "), seat(3, "UK")]
    assert status_for(one_context, 3, 2) == FORMING
    mixed = [seat(1, "UK"), seat(2, "Nigeria"), seat(3, None)]
    assert status_for(mixed, 3, 2) == ACTIVE
    with_waiting = [seat(1, "UK"), seat(2, "UK"), seat(3, "Nigeria", waiting=True)]
    assert status_for(with_waiting, 3, 2) == FORMING


def test_contexts_compare_case_insensitively() -> None:
    assert context_key("  Bournemouth,   UK ") == context_key("bournemouth, uk")
    assert context_key("   ") is None


def test_the_least_represented_context_is_admitted_first() -> None:
    seats = [
        seat(1, "UK"),
        seat(2, "UK"),
        seat(3, "Nigeria"),
        seat(10, "UK", waiting=True, minutes=1),
        seat(11, "Nigeria", waiting=True, minutes=2),
        seat(12, "Peru", waiting=True, minutes=3),
        seat(13, "Peru", waiting=True, minutes=4),
    ]
    chosen = next_admitted(seats)
    assert chosen is not None and chosen.member_id == 12


def test_ties_go_to_the_longest_waiting() -> None:
    seats = [
        seat(1, "UK"),
        seat(10, "Peru", waiting=True, minutes=5),
        seat(11, "Chile", waiting=True, minutes=2),
    ]
    chosen = next_admitted(seats)
    assert chosen is not None and chosen.member_id == 11


def test_members_without_a_context_come_after_known_contexts() -> None:
    seats = [
        seat(1, "UK"),
        seat(10, None, waiting=True, minutes=1),
        seat(11, "UK", waiting=True, minutes=2),
    ]
    chosen = next_admitted(seats)
    assert chosen is not None and chosen.member_id == 11
    assert next_admitted([seat(1, "UK")]) is None


def test_waiting_positions_count_from_one() -> None:
    seats = [
        seat(1, "UK"),
        seat(10, "A", waiting=True, minutes=3),
        seat(11, "B", waiting=True, minutes=1),
    ]
    assert waiting_position(seats, 11) == 1
    assert waiting_position(seats, 10) == 2
    assert waiting_position(seats, 1) == 0
