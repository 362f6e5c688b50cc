"""The `junto` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path

from adapters.config import Config, load
from adapters.errors import ConfigError
from adapters.run import run_configured, run_console
from storage.engine import database_url, make_engine
from storage.migrate import upgrade
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
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="junto", description="Peer learning communities.")
    commands = parser.add_subparsers(dest="command", required=True)
    console = commands.add_parser("console", help="a community in this terminal")
    console.add_argument("--db", default="junto.db", help="SQLite file or database URL")
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
    engine = make_engine(url)
    try:
        await upgrade(engine)
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
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "console":
            config = load(args.config) if args.config else None
            url = database_url(args.db)
            asyncio.run(run_console(url, start=args.clock, config=config))
        elif args.command == "run":
            asyncio.run(run_configured(load(args.config)))
        elif args.command == "db":
            config = load(args.config) if args.config else Config()
            url = database_url(args.db) if args.db else config.database_url
            asyncio.run(_upgrade(url))
            print(f"database is up to date: {url.split('@')[-1]}")
        elif args.command == "ledger":
            config = load(args.config) if args.config else Config()
            url = database_url(args.db) if args.db else config.database_url
            return asyncio.run(_check_ledger(url))
        elif args.command == "verify":
            return _verify(args.file)
    except ConfigError as error:
        print(f"junto: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"junto: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
