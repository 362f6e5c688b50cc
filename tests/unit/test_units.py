from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import DomainError
from bot.model.units import (
    MOST_MINUTES,
    bounded_text,
    circle_name,
    format_minutes,
    parse_instant,
    parse_minutes,
    storable,
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


@pytest.mark.parametrize("typed", ["2147483647", "99999999999h", "1000001h", "9" * 41 + "m"])
def test_durations_past_a_million_hours_are_refused_as_too_long(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_minutes(typed)
    assert error.value.code == "input.duration_huge"
    assert parse_minutes("1000000h") == MOST_MINUTES


def test_long_junk_is_not_matched_against_the_duration_pattern() -> None:
    with pytest.raises(DomainError) as error:
        parse_minutes("1" * 100_000 + "x")
    assert error.value.code == "input.duration_huge"
    assert len(error.value.params["value"]) < 30


@pytest.mark.parametrize(
    "typed",
    ["9999-12-31 23:59", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31 23:59"],
)
def test_dates_past_the_calendars_ends_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_instant(typed, ZoneInfo("UTC"))
    assert error.value.code == "input.instant_range"


@pytest.mark.parametrize(
    ("typed", "zone_name", "first"),
    [
        ("2027-03-28 01:30", "Europe/London", "2027-03-28 02:00"),
        ("2027-03-28T01:00", "Europe/London", "2027-03-28 02:00"),
        ("2027-03-14 02:15", "America/New_York", "2027-03-14 03:00"),
        # Lord Howe Island moves its clocks by half an hour.
        ("2027-10-03 02:15", "Australia/Lord_Howe", "2027-10-03 02:30"),
        # Samoa skipped the whole of 30 December 2011 to cross the date line.
        ("2011-12-30 12:00", "Pacific/Apia", "2011-12-31 00:00"),
    ],
)
def test_a_time_the_clocks_skip_is_refused_with_the_first_that_exists(
    typed: str, zone_name: str, first: str
) -> None:
    with pytest.raises(DomainError) as error:
        parse_instant(typed, ZoneInfo(zone_name))
    assert error.value.code == "input.instant_gap"
    assert error.value.params == {
        "value": typed.replace("T", " "),
        "zone": zone_name,
        "next": first,
    }
    assert parse_instant(first, ZoneInfo(zone_name))


def test_times_either_side_of_a_gap_and_in_an_overlap_are_read() -> None:
    london = ZoneInfo("Europe/London")
    assert parse_instant("2027-03-28 00:59", london) == datetime(2027, 3, 28, 0, 59, tzinfo=UTC)
    assert parse_instant("2027-03-28 02:00", london) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    # 01:30 on 31 October happens twice; the first (still summer time) is meant.
    assert parse_instant("2027-10-31 01:30", london) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    # An explicit offset is never in a gap.
    assert parse_instant("2027-03-28T01:30+00:00", london) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )


def test_zone_names_no_file_could_have_are_refused_with_a_hint() -> None:
    for bad in ("Europe/" + "x" * 300, "x" * 5000, "UTC\x00", "Europe/London/"):
        with pytest.raises(DomainError) as error:
            zone(bad)
        assert error.value.code == "input.timezone"
        assert error.value.params["hint"]


def test_what_can_be_stored() -> None:
    assert storable("Bournemouth, UK 🇬🇧 ☕ São Paulo")
    for bad in ("\x00", "a\ud800", "\udfffb", "x\udc80y"):
        assert not storable(bad)
        with pytest.raises(DomainError) as error:
            bounded_text(bad, "topic", 50)
        assert error.value.code == "input.unstorable"
