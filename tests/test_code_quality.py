"""The house rules that tools can check: ruff-clean everywhere, mypy strict on the core,
and the layering contracts of pyproject.toml kept (and able to break)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_bot_and_storage() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_layering_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # The core reaching into storage.
        ("bot/model/units.py", "from storage import engine", "the core imports neither"),
        # A service using another's internals without declaring it.
        ("bot/services/ledger.py", "from bot.services import circles", "Services are independent"),
        # The model reaching up into the ports.
        ("bot/model/members.py", "from bot.ports import clock", "The model imports nothing"),
        # A cycle: the wording importing the rendering that imports it.
        ("bot/wording/common.py", "from bot import rendering", "each layer imports only"),
        # One front end importing another.
        ("adapters/matrix/files.py", "from adapters.discord import replies", "none imports"),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    for part in ("bot", "storage", "adapters"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a") as source:
        source.write(f"\n{line}  # noqa: E402\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken_section = result.stdout.split("Broken contracts", 1)[-1]
    assert broken in broken_section, result.stdout
