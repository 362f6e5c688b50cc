"""The console community, driven the way a person or a script drives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import fresh_database

SESSION = """\
alice: !profile set context:"Bournemouth, UK" timezone:Europe/London
!circle create spanish-a2 "Spanish at A2" 3
bob: !profile set context:"Lagos, Nigeria"
!circle join spanish-a2
carol: !profile set context:"Bournemouth, UK"
!circle join spanish-a2
dan: !profile set context:"Lima, Peru"
!circle join spanish-a2
erin: !circle join spanish-a2
:as carol
!circle leave spanish-a2
!circle info spanish-a2
alice: !circle leave spanish-a2
!circle jion spanish-a2
!circle join nope
:react m1 ✅
:now
:advance 1d12h
:frobnicate
:quit
bob: !circle list
"""


def run_console(db: str, script: str, cwd: Path) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli",
            "console",
            "--db",
            db,
            "--clock",
            "2026-12-01T09:00Z",
        ],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result.stdout


def check_session(output: str) -> None:
    lines = output.splitlines()
    expected = [
        "[m2] #general: Circle spanish-a2 (#1) is created: Spanish at A2. You are its first lead.",
        "[m4] #general: Welcome to spanish-a2! 2/3 members.",
        "[m6] #general: Welcome to spanish-a2! 3/3 members.",
        "[m7] #general: spanish-a2 is now active: 3 members from 2 contexts. Its events now count.",
        "[m9] #general: spanish-a2 is full (3 members), so you are on its waiting list at "
        "position 1.",
        "[m10] #general: spanish-a2 is full (3 members), so you are on its waiting list at "
        "position 2.",
        "[m11] #general: You have left spanish-a2.",
        # Peru is not represented, erin has no context: dan is admitted.
        "[m12] @dan: A place freed up in spanish-a2, and it is yours: welcome!",
        "[m13] #general: dan joins spanish-a2 from the waiting list.",
        "    Members: 3/3 from 3 contexts, 1 waiting",
        "[m15] @alice (private): You are the last lead of spanish-a2, so you can't leave yet.",
        "[m16] @alice (private): I don't know the command “circle jion”. Did you mean "
        "`!circle join <name>`?",
        "[m17] @alice (private): There is no circle called “nope”. `!circle list` shows the "
        "circles here.",
        "(nothing happens: m1 is not a message I watch)",
        "(it is Tue 01 Dec 2026 09:00 UTC)",
        "(the clock moves 1d12h on, to Wed 02 Dec 2026 21:00 UTC)",
        "(console controls: `:as NAME`",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, output)
    # Private replies only reach their speaker; the line after :quit is never read.
    assert "Circles:" not in output
    assert "- dan (Lima, Peru)" in output


def test_a_scripted_session_on_sqlite(tmp_path: Path) -> None:
    output = run_console(str(tmp_path / "junto.db"), SESSION, tmp_path)
    check_session(output)
    # The file keeps the community for the next run.
    again = run_console(str(tmp_path / "junto.db"), "bob: !circle list\n", tmp_path)
    assert "- spanish-a2: Spanish at A2 (active, 3/3, 1 waiting)" in again


async def test_the_same_session_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        check_session(run_console(url, SESSION, tmp_path))


def test_a_second_run_reuses_message_ids_without_harm(tmp_path: Path) -> None:
    db = str(tmp_path / "twice.db")
    first = run_console(
        db,
        'alice: !circle create one One\n!event schedule one First "2026-12-05 18:00" 1h\n',
        tmp_path,
    )
    assert any(
        line.startswith("[m2] #general: Event #2 is scheduled") for line in first.splitlines()
    )
    # The next run numbers its messages from m1 again; its event post is m2 too.
    again = run_console(
        db, 'alice: !circle list\n!event schedule one Second "2026-12-06 18:00" 1h\n', tmp_path
    )
    assert any(
        line.startswith("[m2] #general: Event #3 is scheduled") for line in again.splitlines()
    )


def test_a_control_after_a_name_speaks_as_that_name(tmp_path: Path) -> None:
    output = run_console(str(tmp_path / "c.db"), "alice: !help\nbob: :react m1 ✅\n", tmp_path)
    assert "(nothing happens: m1 is not a message I watch)" in output


def test_lines_without_a_speaker_get_a_hint(tmp_path: Path) -> None:
    output = run_console(str(tmp_path / "j.db"), "!help\n", tmp_path)
    assert "say who is speaking first" in output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[storage]\nurl = 42\n", "[storage] url must be a database URL"),
        ("[storage]\nurl = 'mysql://x/y'\n", "[storage] url must be SQLite"),
        ("[storage]\nuri = 'x.db'\n", "[storage] has no key 'uri'"),
        ("[community]\ncircle_size = 1\n", "[community] circle_size takes a whole number"),
        ("[community]\ncircle_sise = 10\n", "[community] circle_sise is not a setting"),
        ("[community]\ncircle_min_members = 40\n", "can't be more than circle_size (35)"),
        ("[comunity]\n", "unknown table or key [comunity]"),
        ("[storage\n", "not valid TOML"),
        ("[storage]\nurl = 'x.db'\n", "nothing to run"),
        ("[matrix]\nhomeserver = 'http://127.0.0.1'\n", "[matrix] user_id is missing"),
    ],
)
def test_bad_configs_name_the_key(tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "junto.toml"
    path.write_text(config)
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_console_with_a_config_takes_its_storage_console_table_and_defaults(
    tmp_path: Path,
) -> None:
    path = tmp_path / "junto.toml"
    path.write_text(
        f"[storage]\nurl = '{tmp_path / 'run.db'}'\n[community]\ncircle_size = 12\n"
        "[console]\ncommunity = 'demo'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "console", "--config", str(path)],
        input="alice: !circle create demo Demo\n!admin settings circle_size\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0, result.stderr
    assert "Welcome" not in result.stdout
    assert "- circle_size = 12 (default)" in result.stdout
    assert (tmp_path / "run.db").exists() and not (tmp_path / "junto.db").exists()


def test_db_upgrade(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "db", "upgrade", "--db", str(tmp_path / "u.db")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout
    assert (tmp_path / "u.db").exists()
