"""A community's stored settings."""

from __future__ import annotations

from typing import Any, Protocol


class SettingsRepository(Protocol):
    async def stored(self, community_id: int) -> dict[str, Any]: ...

    async def put(self, community_id: int, name: str, value: Any) -> None: ...
