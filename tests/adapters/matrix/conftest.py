"""Fixtures that give Matrix adapter tests a real Synapse and real nio clients."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable
from typing import Any, NoReturn, Protocol

import pytest
import pytest_asyncio
from nio import AsyncClient

from tests.adapters.matrix.synapse import Homeserver, SynapseUnavailable, ensure_synapse_venv


class ClientFactory(Protocol):
    def __call__(self, prefix: str = "user", **kwargs: Any) -> Awaitable[AsyncClient]: ...


def _unavailable(reason: str) -> NoReturn:
    # CI must never go green by silently skipping the Matrix suite; a developer
    # machine without Synapse should still be able to run everything else.
    if os.environ.get("CI") == "true":
        pytest.fail(f"Synapse homeserver unavailable: {reason}", pytrace=False)
    pytest.skip(f"Synapse homeserver unavailable: {reason}")


def _uncaptured(request: pytest.FixtureRequest) -> contextlib.AbstractContextManager[None]:
    # Output capture would hide the progress of a first-time install, which
    # otherwise looks like a hung test run.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        return contextlib.nullcontext()
    manager: contextlib.AbstractContextManager[None] = capture.global_and_fixture_disabled()
    return manager


async def _start_homeserver(request: pytest.FixtureRequest) -> Homeserver:
    with _uncaptured(request):
        python = await asyncio.to_thread(ensure_synapse_venv)
    server = Homeserver(python)
    try:
        # Started from the event-loop thread on purpose: see _die_with_parent.
        await server.start()
    except BaseException:
        await server.aclose()
        raise
    return server


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def homeserver(request: pytest.FixtureRequest) -> AsyncIterator[Homeserver]:
    """One Synapse for the whole session; use fresh localparts per test."""
    try:
        server = await _start_homeserver(request)
    except (SynapseUnavailable, OSError) as exc:
        _unavailable(str(exc))
    with _uncaptured(request):
        print(
            f"[synapse] homeserver up at {server.url} (pid {server.pid}) "
            f"in {server.startup_seconds or 0:.1f} s",
            file=sys.stderr,
        )
    try:
        yield server
    finally:
        await server.aclose()


@pytest_asyncio.fixture
async def matrix_client(homeserver: Homeserver) -> AsyncIterator[ClientFactory]:
    """Factory for logged-in clients of brand-new users, closed after the test.

    ``await matrix_client("alice")`` registers ``@alice<N>:localhost``; keyword
    arguments go to ``Homeserver.client`` (for example ``store_path``).
    """
    created: list[AsyncClient] = []

    async def make(prefix: str = "user", **kwargs: Any) -> AsyncClient:
        client = await homeserver.client(homeserver.new_localpart(prefix), **kwargs)
        created.append(client)
        return client

    yield make
    for client in created:
        await client.close()
