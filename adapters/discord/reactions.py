"""What each member's reactions on Junto's posts stand at, as the gateway told it.

Discord sends a reaction's add and remove as separate events, and discord.py runs
each handler as a task of its own, so an add quickly followed by a remove could
reach the core in the wrong order: each (message, member) pair is handled one
event at a time, in the order the events came. A member may put both a normal and
a super ("burst") reaction of one emoji on a message: one ballot, withdrawn only
when the last of them goes. A moderator clearing reactions (all of a message's, or
one emoji's) sends one event with no names in it: the reactions remembered here
say whose ballots that withdraws.

Kept in memory, for the posts of the last `MESSAGES` messages reacted on; after a
restart, a reaction the bot did not see is handled as before (one event, one call).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator

MESSAGES = 5_000
BOTS = 10_000

# (emoji, whether a super reaction)
Held = tuple[str, bool]


class ReactionState:
    def __init__(self) -> None:
        # message id -> member id -> the reactions that member holds there
        self._held: OrderedDict[int, dict[int, set[Held]]] = OrderedDict()
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._waiting: dict[tuple[int, int], int] = {}
        # Accounts known to be bots, from the member data of their reactions.
        self.bots: set[int] = set()

    @contextlib.asynccontextmanager
    async def turn(self, message_id: int, user_id: int) -> AsyncIterator[None]:
        """One event at a time per (message, member), first come first served."""
        key = (message_id, user_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    def track(self, message_id: int) -> None:
        """A post people vote on by reacting."""
        self._held.setdefault(message_id, {})
        self._held.move_to_end(message_id)
        while len(self._held) > MESSAGES:
            self._held.popitem(last=False)

    def tracked(self, message_id: int) -> bool:
        return message_id in self._held

    def kinds(self, message_id: int, user_id: int, emoji: str) -> set[bool]:
        """Which kinds (normal False, super True) of this emoji the member holds."""
        held = self._held.get(message_id, {}).get(user_id, set())
        return {burst for name, burst in held if name == emoji}

    def hold(self, message_id: int, user_id: int, emoji: str, burst: bool) -> None:
        self.track(message_id)
        self._held[message_id].setdefault(user_id, set()).add((emoji, burst))

    def release(self, message_id: int, user_id: int, emoji: str, burst: bool) -> None:
        members = self._held.get(message_id)
        if members is None or user_id not in members:
            return
        members[user_id].discard((emoji, burst))
        if not members[user_id]:
            del members[user_id]

    def clear(self, message_id: int, emoji: str | None = None) -> list[tuple[int, str]]:
        """Forget the message's reactions (of one emoji, or all); whose they were, one
        (member, emoji) pair each however many kinds they held."""
        members = self._held.get(message_id)
        if not members:
            return []
        cleared: list[tuple[int, str]] = []
        for user_id in list(members):
            held = members[user_id]
            gone = {h for h in held if emoji is None or h[0] == emoji}
            cleared.extend((user_id, name) for name in sorted({h[0] for h in gone}))
            held -= gone
            if not held:
                del members[user_id]
        return cleared

    def note_bot(self, user_id: int) -> None:
        if len(self.bots) >= BOTS:
            self.bots.clear()
        self.bots.add(user_id)
