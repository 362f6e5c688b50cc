"""The `junto` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from adapters.config import Config, load
from adapters.database import DatabaseProblem, check, describe, require_writable, shown
from adapters.errors import ConfigError
from bot.model.units import EARLIEST, LATEST
from bot.ports.communities import Community
from storage.engine import database_url, make_engine, sqlite_path
from storage.migrate import applied, pending, upgrade
from storage.repositories.ledger import check_engine
from storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory


class CliError(Exception):
    """A mistake on the command line, said in one line."""


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
    verify = commands.add_parser(
        "verify",
        help="check a badge credential: signature, dates, issuer and revocation",
    )
    verify.add_argument("file", type=Path)
    verify.add_argument(
        "--status", type=Path, help="a status list credential file to check revocation against"
    )
    _community_options(verify, "the community's database (default ./junto.db, when it exists)")
    verify.add_argument("--at", type=_instant, help="check the dates as of this instant")
    status = commands.add_parser(
        "status-list", help="write the community's signed revocation status list"
    )
    _community_options(status, "the community's database (default ./junto.db)")
    status.add_argument("--out", type=Path, required=True, help="the file to write")
    did = commands.add_parser("did-document", help="print the DID document of the issuer")
    _community_options(did, "the community's database (default ./junto.db)")
    did.add_argument("--out", type=Path, help="write it to this file instead")
    return parser


def _community_options(parser: argparse.ArgumentParser, db_help: str) -> None:
    parser.add_argument("--db", help=db_help)
    parser.add_argument("--config", type=Path, help="a config file ([storage], [credentials])")
    parser.add_argument("--community", help="the community's name, when the database has several")


def _database(args: argparse.Namespace, config: Config, *, optional: bool = False) -> str | None:
    """The database a command reads: --db, else the config's, else ./junto.db. A SQLite
    file that does not exist is never made here."""
    url = database_url(args.db) if args.db else None
    if url is None and args.config is not None:
        url = config.database_url
    url = url or database_url("junto.db")
    if url.startswith("sqlite"):
        path = make_url(url).database
        if not path or not Path(path).exists():
            if optional and not args.db:
                return None
            raise CliError(f"there is no database at {path}; name one with --db")
    return url


@asynccontextmanager
async def _unit_of_work(url: str) -> AsyncIterator[SqlUnitOfWork]:
    engine = make_engine(url)
    try:
        try:
            await upgrade(engine)
        except (OSError, SQLAlchemyError) as error:
            where = url.split("@")[-1]
            why = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise CliError(f"cannot open the database {where}: {why}") from None
        async with SqlUnitOfWorkFactory(engine)() as uow:
            yield uow
    finally:
        await engine.dispose()


async def _communities(uow: SqlUnitOfWork, slug: str | None) -> list[Community]:
    found = await uow.badges.communities()
    if slug is not None:
        chosen = [c for c in found if c.slug == slug]
        if not chosen:
            known = ", ".join(c.slug for c in found) or "none"
            raise CliError(f"there is no community called {slug!r} here (communities: {known})")
        return chosen
    if not found:
        raise CliError("the database holds no community yet")
    return found


def _one(found: list[Community]) -> Community:
    if len(found) > 1:
        names = ", ".join(c.slug for c in found)
        raise CliError(
            f"the database holds {len(found)} communities ({names}); name one with --community"
        )
    return found[0]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None


async def _verify(args: argparse.Namespace, config: Config) -> int:
    # Imported here so the other commands don't load the JSON-LD machinery.
    from bot.credentials import openbadges, statuslist, trust
    from bot.rendering import Style, render
    from bot.services.badges import describe, verify_text

    text = _read(args.file)
    given = None
    if args.status is not None:
        try:
            given = openbadges.check_status_list(_read(args.status))
        except statuslist.StatusListError as error:
            raise CliError(
                f"{args.status} is not a status list credential Junto can use: {error.detail}"
            ) from None
    now = args.at or datetime.now(UTC)
    url = _database(args, config, optional=True)
    note = ""
    if url is None:
        verdict = await verify_text(None, None, config.credentials, text, now, given)
        note = "(no community database here to recognise its own credentials: give --db)"
    else:
        async with _unit_of_work(url) as uow:
            found = await _communities(uow, args.community)
            verdicts = [
                await verify_text(uow, c, config.credentials, text, now, given) for c in found
            ]
        # The community that issued it, if one here did; else any: trust is the config's.
        verdict = next((v for v in verdicts if v.issuer == trust.OWN), verdicts[0])
    print(render(describe(verdict), Style()))
    if note:
        print(note)
    return 0 if verdict.valid else 1


async def _status_list(args: argparse.Namespace, config: Config) -> int:
    from bot.services.badges import status_list_credential

    url = _database(args, config)
    assert url is not None
    async with _unit_of_work(url) as uow:
        community = _one(await _communities(uow, args.community))
        document = await status_list_credential(
            uow, community, config.credentials, datetime.now(UTC)
        )
        await uow.commit()
    try:
        args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.out}: {error.strerror or error}") from None
    print(f"wrote the status list of {community.slug} to {args.out} ({document['id']})")
    return 0


async def _did_document(args: argparse.Namespace, config: Config) -> int:
    from bot.credentials import identity
    from bot.services.badges import signing_identity

    url = _database(args, config)
    assert url is not None
    async with _unit_of_work(url) as uow:
        found = await _communities(uow, args.community)
        if config.credentials.did == identity.DID_KEY:
            found = [_one(found)]
        names = [
            await signing_identity(uow, c, config.credentials, datetime.now(UTC)) for c in found
        ]
        await uow.commit()
    document = identity.did_document(names[0].did, [n.public_key for n in names])
    text = json.dumps(document, indent=2) + "\n"
    if args.out is not None:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CliError(f"cannot write {args.out}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
    if config.credentials.did == identity.DID_KEY:
        where = "a did:key needs no publishing: its document follows from the key"
    else:
        where = f"publish it at {identity.did_document_url(names[0].did)}"
    print(f"junto: {where}", file=sys.stderr)
    return 0


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
        elif args.command in ("verify", "status-list", "did-document"):
            config = load(args.config) if args.config else Config()
            handler = {
                "verify": _verify,
                "status-list": _status_list,
                "did-document": _did_document,
            }[args.command]
            return asyncio.run(handler(args, config))
    except (ConfigError, CliError) as error:
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
