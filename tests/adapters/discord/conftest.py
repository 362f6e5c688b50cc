"""Fixtures that run the real discord.py client against the loopback FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.adapters.discord.fake import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; discord.py's URLs point at it until the test ends.

    Every test also checks what Discord would show: no embed title may hold markup
    (bold, code, a `<t:…>` time, a mention) that Discord shows as typed there."""
    async with FakeDiscord() as fake:
        yield fake
    assert not fake.raw_markup, f"embed titles Discord would show raw: {fake.raw_markup}"
