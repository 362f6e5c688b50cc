from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import DomainError
from bot.model.units import (
    bounded_text,
    circle_name,
    format_minutes,
    parse_instant,
    parse_minutes,
    zone,
)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("2", 120),
        ("1.5", 90),
        ("2h", 120),
        ("90m", 90),
        ("1h30m", 90),
        ("0.25", 15),
        ("1h 15m", 75),
        ("3 hours", 180),
        ("45 min", 45),
    ],
)
def test_durations_as_members_type_them(typed: str, minutes: int) -> None:
    assert parse_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "h", "two", "-1", "1x", "1h-5m", "1.2.3"])
def test_unreadable_durations_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_minutes(typed)
    assert error.value.code == "input.duration"


@pytest.mark.parametrize("typed", ["9" * 400, "1e400", "999999999999999999h"])
def test_absurd_durations_are_refused_clearly(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_minutes(typed)
    assert error.value.code in {"input.duration_huge", "input.duration"}


def test_fractions_of_a_minute_are_refused() -> None:
    with pytest.raises(DomainError) as error:
        parse_minutes("0.01")
    assert error.value.code == "input.duration_whole"


def test_minutes_are_shown_as_hours_and_minutes() -> None:
    assert [format_minutes(m) for m in (0, 45, 60, 90, 600)] == ["0m", "45m", "1h", "1h30m", "10h"]


def test_local_dates_are_read_in_the_speakers_zone() -> None:
    london = parse_instant("2026-07-01 18:00", ZoneInfo("Europe/London"))
    assert london == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    lagos = parse_instant("2026-12-01 18:00", ZoneInfo("Africa/Lagos"))
    assert lagos == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def test_an_explicit_offset_wins_over_the_speakers_zone() -> None:
    value = parse_instant("2026-12-01T18:00+05:00", ZoneInfo("Europe/London"))
    assert value == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["tomorrow", "2026-13-01 10:00", "2026-12-01 25:00", "12/01"])
def test_unreadable_dates_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_instant(typed, ZoneInfo("UTC"))
    assert error.value.code == "input.instant"


def test_unknown_zones_get_a_suggestion() -> None:
    with pytest.raises(DomainError) as error:
        zone("London")
    assert error.value.code == "input.timezone"
    assert error.value.params["hint"] == "Europe/London"
    for bad in ("Mars/Base", "../etc/passwd", "/etc/localtime", ""):
        with pytest.raises(DomainError):
            zone(bad)


@pytest.mark.parametrize("typed", ["Spanish-A2", "spanish-a2", " spanish-a2 "])
def test_circle_names_are_lower_case(typed: str) -> None:
    assert circle_name(typed) == "spanish-a2"


@pytest.mark.parametrize(
    "typed", ["a", "-abc", "abc-", "a--b", "spanish a2", "café", "x" * 33, "drop;table"]
)
def test_forbidden_circle_names_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        circle_name(typed)
    assert error.value.code in {"input.name", "input.too_long"}


def test_text_limits() -> None:
    assert bounded_text("  a   b ", "topic", 5) == "a b"
    with pytest.raises(DomainError) as error:
        bounded_text("x" * 6, "topic", 5)
    assert error.value.params == {"field": "topic", "limit": 5}
    with pytest.raises(DomainError):
        bounded_text("   ", "topic", 5)
