"""Every row of every table, to show that a refused command changed nothing.

One statement reads the lot (each table's rows as one JSON text), so a fuzz
campaign can take a snapshot after every line."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.unit_of_work  # noqa: F401  (every table module, so the metadata is whole)
from storage.tables import commands as commands_t
from storage.tables import metadata

Snapshot = dict[str, str]
Row = tuple[Any, ...]


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Each table's rows as the database shows them."""
    sqlite = engine.dialect.name == "sqlite"
    tables = metadata.sorted_tables
    columns = ", ".join(f"({_rows(table, sqlite)}) AS t{n}" for n, table in enumerate(tables))
    async with engine.connect() as conn:
        row = (await conn.execute(text(f"SELECT {columns}"))).one()
    return {table.name: str(row[n] or "[]") for n, table in enumerate(tables)}


def _rows(table: Table, sqlite: bool) -> str:
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    rows = (
        f"json_group_array(json_array({names}))"
        if sqlite
        else f"json_agg(json_build_array({names}))::text"
    )
    # A refusal keeps one thing: its reply under its command key (with no member),
    # so a repeat of the key is answered alike.
    where = " WHERE member_id IS NOT NULL" if table is commands_t.command_keys else ""
    return f'SELECT {rows} FROM "{table.name}"{where}'


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[list[Row], list[Row]]]:
    """Per table, the rows that went and the rows that came."""
    found: dict[str, tuple[list[Row], list[Row]]] = {}
    for name in sorted(before.keys() | after.keys()):
        old_text, new_text = before.get(name, "[]"), after.get(name, "[]")
        if old_text == new_text:
            continue
        old, new = _parsed(old_text), _parsed(new_text)
        gone = sorted(old - new, key=repr)
        came = sorted(new - old, key=repr)
        if gone or came:
            found[name] = (gone, came)
    return found


def _parsed(rows: str) -> set[Row]:
    return {_hashable(row) for row in json.loads(rows)}


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value
