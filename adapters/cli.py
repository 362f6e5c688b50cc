"""The `junto` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path

from adapters.config import Config, load
from adapters.database import DatabaseProblem, check, describe, require_writable, shown
from adapters.errors import ConfigError
from bot.model.units import EARLIEST, LATEST
from storage.engine import database_url, make_engine, sqlite_path
from storage.migrate import applied, pending, upgrade
from storage.repositories.ledger import check_engine


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time like 2026-12-01T09:00Z"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a zone, e.g. 2026-12-01T09:00Z")
    try:
        within = EARLIEST <= value < LATEST
    except OverflowError:  # an offset that takes it past the calendar's ends
        within = False
    if not within:
        raise argparse.ArgumentTypeError(f"{text!r} is not between the years 1900 and 2999")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="junto", description="Peer learning communities.")
    commands = parser.add_subparsers(dest="command", required=True)
    console = commands.add_parser("console", help="a community in this terminal")
    console.add_argument(
        "--db", help="SQLite file or database URL (default: the config's, else junto.db)"
    )
    console.add_argument("--clock", type=_instant, help="start a fixed clock at this instant")
    console.add_argument("--config", type=Path, help="a config file for community defaults")
    run = commands.add_parser("run", help="start the adapters a config file names")
    run.add_argument("--config", type=Path, required=True)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="apply schema migrations")
    db_upgrade.add_argument("--db", help="SQLite file or database URL")
    db_upgrade.add_argument("--config", type=Path)
    ledger = commands.add_parser("ledger", help="the time-voucher ledger")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_check = ledger_commands.add_parser(
        "check", help="recompute every balance from the transfers and report any difference"
    )
    ledger_check.add_argument("--db", help="SQLite file or database URL")
    ledger_check.add_argument("--config", type=Path)
    verify = commands.add_parser("verify", help="check a badge credential file offline")
    verify.add_argument("file", type=Path)
    return parser


def _verify(path: Path) -> int:
    # Imported here so the other commands don't load the JSON-LD machinery.
    from bot.credentials.openbadges import check
    from bot.rendering import Style, render
    from bot.services.badges import describe

    checked = check(path.read_text(encoding="utf-8", errors="replace"))
    print(render(describe(checked), Style()))
    return 0 if checked.failure is None else 1


async def _check_ledger(url: str) -> int:
    # Only reads: a database that isn't there is not made, nor an old one migrated.
    check(url, write=False, create=False)
    engine = make_engine(url, read_only=True)
    try:
        if not await applied(engine):
            raise DatabaseProblem(f"{shown(url)} is not a Junto database (it has no schema)")
        if await pending(engine):
            raise DatabaseProblem(
                f"the database {shown(url)} is from an older Junto; `junto db upgrade` "
                "brings it up to date (ledger check never changes it)"
            )
        problems, counts = await check_engine(engine)
    finally:
        await engine.dispose()
    for problem in problems:
        print(f"ledger: {problem}")
    summary = (
        f"{counts['accounts']} accounts, {counts['transfers']} transfers, "
        f"{counts['currencies']} currencies"
    )
    if problems:
        print(f"ledger check: {len(problems)} difference(s) in {summary}")
        return 1
    print(f"ledger check: clean; every balance equals the sum of its transfers ({summary})")
    return 0


async def _upgrade(url: str) -> None:
    try:
        check(url, write=True, create=True)
    except DatabaseProblem:
        # A read-only database that is up to date already needs nothing written.
        if not await _up_to_date(url):
            raise
        return
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _up_to_date(url: str) -> bool:
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return False
    engine = make_engine(url, read_only=True)
    try:
        return bool(await applied(engine)) and not await pending(engine)
    except Exception:  # unreadable too: the first problem is the one to tell
        return False
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    url = ""
    try:
        if args.command == "console":
            config = load(args.config) if args.config else None
            url = _db_url(args.db) if args.db else (config or Config()).database_url
            check(url, write=True, create=True)
            asyncio.run(require_writable(url))
            _console_streams()
            # Imported here, like the chat adapters below: the database commands start
            # in a second without loading discord.py and matrix-nio.
            from adapters.run import run_console

            asyncio.run(run_console(url, start=args.clock, config=config))
        elif args.command == "run":
            from adapters.run import run_configured

            config = load(args.config)
            url = config.database_url
            asyncio.run(run_configured(config))
        elif args.command == "db":
            config = load(args.config) if args.config else Config()
            url = _db_url(args.db) if args.db else config.database_url
            asyncio.run(_upgrade(url))
            print(f"database is up to date: {url.split('@')[-1]}")
        elif args.command == "ledger":
            config = load(args.config) if args.config else Config()
            url = _db_url(args.db) if args.db else config.database_url
            return asyncio.run(_check_ledger(url))
        elif args.command == "verify":
            return _verify(args.file)
    except ConfigError as error:
        print(f"junto: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # Database problems are told as such only by the commands that open one.
        line = describe(error, url) if url or isinstance(error, DatabaseProblem) else None
        if line is None and isinstance(error, OSError):
            line = str(error)
        if line is None:
            raise  # a bug: its traceback is what will fix it
        print(f"junto: {line}", file=sys.stderr)
        return 1
    return 0


def _db_url(text: str) -> str:
    try:
        url = database_url(text)
    except Exception as error:  # SQLAlchemy's URL errors vary by what is wrong
        raise DatabaseProblem(
            f"--db {text!r} is not a file path or database URL: {error}"
        ) from None
    if not url.startswith(("sqlite+aiosqlite", "postgresql+asyncpg")):
        raise DatabaseProblem(
            f"--db {text!r}: Junto runs on SQLite (a file path) or PostgreSQL "
            "(postgresql://user@host/db)"
        )
    return url


def _console_streams() -> None:
    """Bytes that aren't UTF-8 on standard input become lone surrogates, which the
    parser refuses, rather than an error that ends the console; output never fails."""
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)


if __name__ == "__main__":
    sys.exit(main())
