from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.app import App
from tests.support import Community, app_on

ENGINES = ["sqlite", "postgres"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`-m "not postgres"` runs the SQLite half alone."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine_name") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def app(engine_name: str, tmp_path: Path) -> AsyncIterator[App]:
    async with app_on(engine_name, tmp_path) as built:
        yield built


@pytest.fixture
def community(app: App) -> Community:
    return Community(app.core)
