"""Every row of every table, to show that a refused command changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import commands as commands_t
from storage.tables.base import metadata

Row = tuple[Any, ...]
Snapshot = dict[str, set[Row]]
_KEY_MEMBER = [c.name for c in commands_t.command_keys.columns].index("member_id")


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Each table's rows, as values that compare alike on both engines."""
    tables: Snapshot = {}
    async with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            tables[table.name] = {tuple(_plain(v) for v in row) for row in rows}
    return tables


def _plain(value: Any) -> Any:
    # JSON columns come back as dicts and lists, which don't hash.
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[list[Row], list[Row]]]:
    """Per table, the rows that went and the rows that came, leaving out the one thing
    a refusal keeps: its reply under its command key (with no member), so a repeat of
    the key is answered alike."""
    found: dict[str, tuple[list[Row], list[Row]]] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, set()), after.get(name, set())
        gone = sorted(old - new, key=repr)
        came = sorted(new - old, key=repr)
        if name == commands_t.command_keys.name:
            came = [row for row in came if row[_KEY_MEMBER] is not None]
        if gone or came:
            found[name] = (gone, came)
    return found
