"""Messages Junto posted that stand for an object (a review, an event)."""

from __future__ import annotations

from typing import Protocol

from bot.replies import Anchor


class PostRepository(Protocol):
    async def record(
        self, community_id: int, platform: str, external_id: str, anchor: Anchor
    ) -> None: ...

    async def find(self, community_id: int, platform: str, external_id: str) -> Anchor | None: ...
