"""Wording for events, attendance, reviews and obligations."""

from __future__ import annotations

MESSAGES_EVENTS: dict[str, str] = {}
