"""The registry: every service's commands, due-work handlers and reaction handlers,
gathered for the core. Adding a service means adding it here, and nowhere else in
the core."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.commands import Catalogue, ReactionHandler
from bot.jobs import JobHandler, Sweep
from bot.services import (
    admin,
    agreements,
    auctions,
    badges,
    circles,
    events,
    help,
    journeys,
    ledger,
    obligations,
    profiles,
    reviews,
)

_V = TypeVar("_V")


@dataclass(frozen=True)
class Registry:
    catalogue: Catalogue
    # Job kinds and the handlers that run them (reminders, review closes, nudges).
    jobs: Mapping[str, JobHandler]
    # Anchor kinds (what a posted message stands for) and who handles reactions on them.
    reactions: Mapping[str, ReactionHandler]
    # Due work that keeps its own due times in its own rows, run on every job pass.
    sweeps: Sequence[Sweep]


def default_catalogue() -> Catalogue:
    """Every command, in the order help lists them."""
    return Catalogue(
        [
            *help.COMMANDS,
            *profiles.COMMANDS,
            *circles.COMMANDS,
            *events.COMMANDS,
            *reviews.COMMANDS,
            *obligations.COMMANDS,
            *ledger.COMMANDS,
            *agreements.COMMANDS,
            *auctions.COMMANDS,
            *badges.COMMANDS,
            *journeys.COMMANDS,
            *admin.COMMANDS,
        ]
    )


def default_registry() -> Registry:
    return Registry(
        catalogue=badges.with_automatic_awards(default_catalogue()),
        jobs=_merged("job kinds", (events.JOBS, reviews.JOBS, obligations.JOBS)),
        reactions=_merged("reaction anchors", (reviews.REACTIONS,)),
        sweeps=[*agreements.SWEEPS, *auctions.SWEEPS],
    )


def _merged(what: str, parts: Iterable[Mapping[str, _V]]) -> dict[str, _V]:
    merged: dict[str, _V] = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"{what} declared twice: {sorted(clash)}")
        merged.update(part)
    return merged
