"""Clocks: the system's, and ones that only move when told (tests, the console)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, by: timedelta) -> None:
        """Pretend more time has passed, as the console's `:advance` does."""
        self._offset += by


class ManualClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock's start needs a time zone")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, by: timedelta) -> None:
        self._now += by
