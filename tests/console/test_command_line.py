"""`junto` run as a person runs it, on databases that can't be used as asked: each
gets one clear line and a non-zero exit, never a traceback; `ledger check` never
creates or migrates a database, and reads one that can't be written; `junto run`
without a chat platform says so; an unreachable homeserver is reported with its
retries counted; and the console reads bytes that aren't text without dying."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from alembic import command

from storage import migrate
from storage.engine import make_engine
from tests.support import PG_DSN, fresh_database, pg_url, require_postgres

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
# Root reads and writes every file whatever its mode; without these capabilities it
# meets file modes like anyone else.
_UNPRIVILEGED = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search,-fowner",
    "--bounding-set=-dac_override,-dac_read_search,-fowner",
]


def junto(
    *args: str, cwd: Path, stdin: str = "", unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv, so file modes can't be tested")
        prefix = _UNPRIVILEGED
    return subprocess.run(
        [*prefix, sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=ENV,
    )


def refused(result: subprocess.CompletedProcess[str], expected: str, code: int = 1) -> None:
    """One line on standard error saying `expected`, and a non-zero exit."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("junto: ") and expected in lines[0], lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _new_database(tmp_path: Path, name: str = "made.db") -> Path:
    result = junto("db", "upgrade", "--db", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / name


def test_a_database_in_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    result = junto("console", "--db", "/no/such/dir/x.db", cwd=tmp_path, stdin="alice: !help\n")
    refused(result, "can't create the database /no/such/dir/x.db: the directory /no/such/dir")
    result = junto("db", "upgrade", "--db", "/no/such/dir/x.db", cwd=tmp_path)
    refused(result, "the directory /no/such/dir does not exist")


def test_a_directory_or_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    refused(junto("console", "--db", str(tmp_path), cwd=tmp_path), "is a directory")
    (tmp_path / "notes.db").write_text("shopping list\n")
    refused(junto("ledger", "check", "--db", "notes.db", cwd=tmp_path), "file is not a database")
    refused(junto("console", "--db", "mysql://x/y", cwd=tmp_path), "SQLite (a file path)")


def test_ledger_check_never_creates_or_migrates_a_database(tmp_path: Path) -> None:
    refused(junto("ledger", "check", "--db", "typo.db", cwd=tmp_path), "no database at typo.db")
    assert list(tmp_path.iterdir()) == []
    # An empty SQLite file is not a Junto database, and stays empty.
    empty = tmp_path / "empty.db"
    empty.touch()
    refused(junto("ledger", "check", "--db", "empty.db", cwd=tmp_path), "not a Junto database")
    assert empty.stat().st_size == 0
    # An older schema is reported, not upgraded.
    old = tmp_path / "old.db"
    asyncio.run(_upgrade_to(str(old), "0001"))
    before = old.read_bytes()
    refused(junto("ledger", "check", "--db", "old.db", cwd=tmp_path), "`junto db upgrade`")
    assert old.read_bytes() == before


async def _upgrade_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    config = migrate._config()

    def run(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("locked", ["file", "directory"])
def test_a_read_only_database_is_read_but_never_written(tmp_path: Path, locked: str) -> None:
    db = _new_database(tmp_path)
    said = junto("console", "--db", str(db), cwd=tmp_path, stdin="alice: !circle create a-b AB\n")
    assert said.returncode == 0, said.stderr
    db.chmod(0o444) if locked == "file" else tmp_path.chmod(0o555)
    try:
        before = db.read_bytes()
        result = junto("console", "--db", str(db), cwd=tmp_path, unprivileged=True, stdin="x\n")
        refused(result, "read-only" if locked == "file" else "is read-only, and SQLite writes")
        # What only reads still works, and writes nothing.
        checked = junto("ledger", "check", "--db", str(db), cwd=tmp_path, unprivileged=True)
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("ledger check: clean")
        upgraded = junto("db", "upgrade", "--db", str(db), cwd=tmp_path, unprivileged=True)
        assert upgraded.returncode == 0, upgraded.stderr
        assert "database is up to date" in upgraded.stdout
        assert db.read_bytes() == before
    finally:
        tmp_path.chmod(0o755)
        db.chmod(0o644)


@pytest.mark.postgres
async def test_postgresql_databases_that_cannot_be_used(tmp_path: Path) -> None:
    await require_postgres()
    missing = pg_url("doesnotexist_" + secrets.token_hex(4)).replace("+asyncpg", "")
    result = await asyncio.to_thread(
        junto, "console", "--db", missing, cwd=tmp_path, stdin="alice: !help\n"
    )
    refused(result, "does not exist")
    refused(
        await asyncio.to_thread(junto, "ledger", "check", "--db", missing, cwd=tmp_path),
        "does not exist",
    )
    nobody = f"postgresql://postgres@127.0.0.1:{_free_port()}/junto"
    refused(
        await asyncio.to_thread(junto, "console", "--db", nobody, cwd=tmp_path),
        "nothing answers there",
    )
    async with fresh_database() as url:
        plain = url.replace("+asyncpg", "")
        # A database Junto never made is not checked, and not made into one.
        result = await asyncio.to_thread(junto, "ledger", "check", "--db", plain, cwd=tmp_path)
        refused(result, "not a Junto database")
        made = await asyncio.to_thread(junto, "db", "upgrade", "--db", plain, cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        # A database that takes no writes: the console says so, the check still reads.
        name = url.rsplit("/", 1)[1]
        admin = await asyncpg.connect(PG_DSN)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        finally:
            await admin.close()
        result = await asyncio.to_thread(junto, "console", "--db", plain, cwd=tmp_path)
        refused(result, "is read-only, and this command writes to it")
        checked = await asyncio.to_thread(junto, "ledger", "check", "--db", plain, cwd=tmp_path)
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("ledger check: clean")


def test_junto_run_with_no_chat_platform_says_so(tmp_path: Path) -> None:
    example = REPO / "config.example.toml"
    result = junto("run", "--config", str(example), cwd=tmp_path)
    refused(result, "enables no chat platform", code=2)
    assert "junto console --config" in result.stderr
    assert list(tmp_path.iterdir()) == []  # and no database was made for nothing


def test_an_unreachable_homeserver_is_reported_with_its_retries_counted(tmp_path: Path) -> None:
    config = tmp_path / "junto.toml"
    config.write_text(
        f"""
[storage]
url = "{tmp_path / "junto.db"}"

[matrix]
homeserver = "http://127.0.0.1:{_free_port()}"
user_id = "@junto:example.org"
store_path = "{tmp_path / "store"}"
community = "learners"
rooms = ["!room:example.org"]
"""
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "run", "--config", str(config)],
        cwd=tmp_path,
        env={**ENV, "JUNTO_MATRIX_PASSWORD": "secret"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            seen.append(line)
            if "attempt 3 failed" in line:
                break
        else:
            raise AssertionError(seen)
        assert "can't reach the homeserver http://127.0.0.1:" in seen[-1]
        assert "logging in" in seen[-1]
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
        assert "Traceback" not in "".join(seen) + rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_console_refuses_bytes_that_are_not_text_and_reads_on(tmp_path: Path) -> None:
    script = (
        b"alice: !journal add caf\xe9\n!journal add a\x00b\n!journal add fine\n"
        b":as b\x00b\n:as " + b"x" * 300 + b"\n:as bob\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "console", "--db", "c.db"],
        input=script,
        capture_output=True,
        timeout=120,
        cwd=tmp_path,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.count("I can't read or store") == 2, out
    assert "Noted in your journey (4 characters)" in out
    assert out.count("(a speaker's name is a letter") == 2, out
    assert "(now speaking as bob)" in out
    assert b"Traceback" not in result.stderr


def test_clocks_past_the_calendars_ends_are_refused(tmp_path: Path) -> None:
    result = junto("console", "--db", "c.db", "--clock", "9999-12-31T23:59Z", cwd=tmp_path)
    assert result.returncode == 2 and "is not between the years 1900 and 2999" in result.stderr
    assert "Traceback" not in result.stderr
    result = junto(
        "console",
        "--db",
        "c.db",
        "--clock",
        "2026-12-01T09:00Z",
        cwd=tmp_path,
        stdin="alice: :advance 99999999999w\n:advance 500000w\n:advance 1d\n:now\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("(say how far, up to ten years") == 2
    assert "(it is Wed 02 Dec 2026 09:00 UTC)" in result.stdout
