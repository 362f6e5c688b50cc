"""The English wording of every reply, by message key: one module per noun,
merged here for rendering."""

from __future__ import annotations

from bot.wording import (
    admin,
    agreements,
    auctions,
    badges,
    circles,
    common,
    events,
    help,
    journeys,
    ledger,
    obligations,
    profiles,
    reviews,
)


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in (
        admin,
        agreements,
        auctions,
        badges,
        circles,
        common,
        events,
        help,
        journeys,
        ledger,
        obligations,
        profiles,
        reviews,
    ):
        clash = merged.keys() & part.MESSAGES.keys()
        if clash:
            raise RuntimeError(f"message keys worded twice: {sorted(clash)}")
        merged.update(part.MESSAGES)
    return merged


MESSAGES: dict[str, str] = _merged()
