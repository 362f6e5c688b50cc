"""Fixtures that run the real discord.py client against the loopback FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.adapters.discord.fake import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; discord.py's URLs point at it until the test ends."""
    async with FakeDiscord() as fake:
        yield fake
