"""The guides for engineers stay true: every path and test they name exists, and
the architecture page names every service and every noun module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
GUIDES = ["docs/ARCHITECTURE.md", "CONTRIBUTING.md", "README.md"]
# A path in backticks: at least one folder, no placeholders.
_PATH = re.compile(r"`((?:bot|storage|adapters|tests|bench|docs)/[\w./-]*)`")
_NODE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def named_paths(text: str) -> set[str]:
    found = set()
    for match in _PATH.finditer(text):
        path = match.group(1).split("::")[0]
        if "<" not in path:
            found.add(path.rstrip("."))
    return found


@pytest.mark.parametrize("guide", GUIDES)
def test_every_path_a_guide_names_exists(guide: str) -> None:
    text = (ROOT / guide).read_text()
    paths = named_paths(text)
    assert paths, f"{guide} names no paths"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{guide} names paths that do not exist: {missing}"


@pytest.mark.parametrize("guide", GUIDES)
def test_every_test_a_guide_names_exists(guide: str) -> None:
    for path, name in _NODE.findall((ROOT / guide).read_text()):
        source = (ROOT / path).read_text()
        assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{guide}: {path}::{name}"


def test_the_architecture_page_names_every_noun_module() -> None:
    named = named_paths((ROOT / "docs/ARCHITECTURE.md").read_text())
    layers = ["bot/services", "bot/model", "bot/ports", "bot/wording"]
    layers += ["storage/tables", "storage/repositories"]
    modules = {
        f"{layer}/{module.name}"
        for layer in layers
        for module in (ROOT / layer).glob("*.py")
        if module.name != "__init__.py"
    }
    unnamed = sorted(modules - named)
    assert not unnamed, f"docs/ARCHITECTURE.md does not say where these live: {unnamed}"


def test_a_missing_path_is_noticed() -> None:
    assert named_paths("see `bot/services/nothing.py` and `bot/model/<noun>.py`") == {
        "bot/services/nothing.py"
    }
    assert not (ROOT / "bot/services/nothing.py").exists()
