"""The `[matrix]` config table, checked before anything connects.

Kept free of nio imports so that reading a config never loads the Matrix client.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSWORD_ENV = "JUNTO_MATRIX_PASSWORD"
TOKEN_ENV = "JUNTO_MATRIX_ACCESS_TOKEN"

_KEYS = {
    "homeserver",
    "user_id",
    "password",
    "access_token",
    "device_name",
    "store_path",
    "prefix",
    "community",
    "admins",
    "rooms",
}
_USER = re.compile(r"^@[^\s:]+:\S+$")
# Room version 12 ids carry no server name; aliases always do.
_ROOM = re.compile(r"^(![^\s:]+(:\S+)?|#[^\s:]+:\S+)$")


class MatrixConfigError(ValueError):
    """A problem in the [matrix] table, worded for the person who edits it."""


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    # Secrets stay out of reprs, so a logged config never shows them.
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_name: str = "Junto"
    store_path: Path = Path("junto-matrix")
    prefix: str = "!"
    community: str = "junto"
    admins: frozenset[str] = frozenset()
    rooms: tuple[str, ...] = ()


def parse_matrix(
    table: Mapping[str, Any], where: str = "config", env: Mapping[str, str] | None = None
) -> MatrixConfig:
    environ = os.environ if env is None else env
    for key in table:
        if key not in _KEYS:
            raise MatrixConfigError(
                f"{where}: [matrix] has no key {key!r}; expected " + ", ".join(sorted(_KEYS))
            )

    def text(key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            raise MatrixConfigError(f"{where}: [matrix] {key} is missing")
        if not isinstance(value, str) or not value.strip():
            raise MatrixConfigError(f"{where}: [matrix] {key} must be a non-empty string")
        return value.strip()

    homeserver = text("homeserver").rstrip("/")
    if not homeserver.startswith(("http://", "https://")):
        raise MatrixConfigError(
            f"{where}: [matrix] homeserver must be a URL like https://matrix.example.org"
        )
    user_id = text("user_id")
    if not _USER.match(user_id):
        raise MatrixConfigError(
            f"{where}: [matrix] user_id must be a full Matrix id like @junto:example.org"
        )
    password = environ.get(PASSWORD_ENV) or _optional(table, "password", where)
    token = environ.get(TOKEN_ENV) or _optional(table, "access_token", where)
    if not password and not token:
        raise MatrixConfigError(
            f"{where}: [matrix] needs the bot account's password or access_token; set "
            f"{PASSWORD_ENV} or {TOKEN_ENV} rather than writing secrets in the file"
        )
    prefix = text("prefix", "!")
    if any(c.isspace() for c in prefix):
        raise MatrixConfigError(f"{where}: [matrix] prefix can't contain spaces")
    admins = _list(table, "admins", where)
    for admin in admins:
        if not _USER.match(admin):
            raise MatrixConfigError(
                f"{where}: [matrix] admins must be Matrix ids like @alice:example.org, "
                f"not {admin!r}"
            )
    rooms = _list(table, "rooms", where)
    if not rooms:
        raise MatrixConfigError(
            f"{where}: [matrix] rooms must list the rooms or spaces Junto serves, "
            "e.g. rooms = ['!abc:example.org', '#learning:example.org']"
        )
    for room in rooms:
        if not _ROOM.match(room):
            raise MatrixConfigError(
                f"{where}: [matrix] rooms takes room ids (!abc:example.org) or aliases "
                f"(#name:example.org), not {room!r}"
            )
    return MatrixConfig(
        homeserver=homeserver,
        user_id=user_id,
        password=password or None,
        access_token=token or None,
        device_name=text("device_name", "Junto"),
        store_path=Path(text("store_path", "junto-matrix")).expanduser(),
        prefix=prefix,
        community=text("community", "junto"),
        admins=frozenset(admins),
        rooms=tuple(dict.fromkeys(rooms)),
    )


def _optional(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MatrixConfigError(f"{where}: [matrix] {key} must be a string")
    return value or None


def _list(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MatrixConfigError(f"{where}: [matrix] {key} must be a list of strings")
    return [v.strip() for v in value if v.strip()]
