"""The config file: `[storage]`, `[community]` defaults, and one table per adapter."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.discord.settings import DiscordConfig, parse_discord
from adapters.errors import ConfigError
from adapters.matrix.config import MatrixConfig, MatrixConfigError, parse_matrix
from bot.credentials.identity import CredentialsConfig, DidError, parse_did, parse_trusted
from bot.errors import DomainError
from bot.model.settings import SETTINGS, Settings, check_together, validate
from bot.rendering import Style, render_message
from storage.engine import database_url

DEFAULT_DATABASE = "sqlite+aiosqlite:///junto.db"
_TABLES = {"storage", "community", "credentials", "console", "discord", "matrix"}


@dataclass
class Config:
    database_url: str = DEFAULT_DATABASE
    defaults: dict[str, Any] = field(default_factory=dict)
    console: dict[str, Any] | None = None
    discord: DiscordConfig | None = None
    matrix: MatrixConfig | None = None
    credentials: CredentialsConfig = field(default_factory=CredentialsConfig)


def load(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; copy config.example.toml to start") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse(raw, str(path))


def parse(raw: dict[str, Any], where: str = "config") -> Config:
    for key in raw:
        if key not in _TABLES:
            raise ConfigError(
                f"{where}: unknown table or key [{key}]; expected one of "
                + ", ".join(f"[{t}]" for t in sorted(_TABLES))
            )
        if not isinstance(raw[key], dict):
            raise ConfigError(f"{where}: {key} must be a table, written [{key}]")
    config = Config()
    storage = raw.get("storage", {})
    _only(storage, {"url"}, where, "storage")
    url = os.environ.get("JUNTO_DATABASE_URL") or storage.get("url", DEFAULT_DATABASE)
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where}: [storage] url must be a database URL or a file path")
    try:
        config.database_url = database_url(url)
    except Exception as error:  # SQLAlchemy's URL errors vary by what is wrong
        raise ConfigError(f"{where}: [storage] url is not a database URL: {error}") from None
    if not config.database_url.startswith(("sqlite+aiosqlite", "postgresql+asyncpg")):
        raise ConfigError(
            f"{where}: [storage] url must be SQLite (sqlite:///junto.db) or PostgreSQL "
            "(postgresql://user@host/db)"
        )
    for name, value in raw.get("community", {}).items():
        if name not in SETTINGS:
            raise ConfigError(
                f"{where}: [community] {name} is not a setting; known: " + ", ".join(SETTINGS)
            )
        try:
            config.defaults[name] = validate(name, str(value))
        except DomainError:
            raise ConfigError(
                f"{where}: [community] {name} takes {SETTINGS[name].kind}, not {value!r}"
            ) from None
    config.credentials = parse_credentials(raw.get("credentials", {}), where)
    settings = Settings(config.defaults, {})
    for name, value in config.defaults.items():
        try:
            check_together(name, value, settings)
        except DomainError as error:
            reason = render_message(error.code, error.params, Style())
            raise ConfigError(f"{where}: [community] {reason}") from None
    console = raw.get("console")
    if console is not None:
        _only(console, {"community", "prefix"}, where, "console")
        config.console = console
    discord = raw.get("discord")
    if discord is not None:
        try:
            config.discord = parse_discord(discord)
        except ValueError as error:
            raise ConfigError(f"{where}: [discord] {error}") from None
    matrix = raw.get("matrix")
    if matrix is not None:
        try:
            config.matrix = parse_matrix(matrix, where)
        except MatrixConfigError as error:
            raise ConfigError(str(error)) from None
    return config


def parse_credentials(table: dict[str, Any], where: str = "config") -> CredentialsConfig:
    """`[credentials]`: the DID communities sign as, and the issuers they trust."""
    _only(table, {"did", "trusted_issuers"}, where, "credentials")
    did = table.get("did", "did:key")
    trusted = table.get("trusted_issuers", [])
    if not isinstance(did, str):
        raise ConfigError(f'{where}: [credentials] did must be a string like "did:key"')
    if not isinstance(trusted, list) or not all(isinstance(t, str) for t in trusted):
        raise ConfigError(
            f"{where}: [credentials] trusted_issuers must be a list of DIDs, "
            'like ["did:key:z6Mk..."]'
        )
    try:
        signs_as = parse_did(did)
    except DidError as error:
        raise ConfigError(f"{where}: [credentials] did {error}") from None
    try:
        issuers = tuple(parse_trusted(t) for t in trusted)
    except DidError as error:
        raise ConfigError(f"{where}: [credentials] trusted_issuers: {error}") from None
    return CredentialsConfig(signs_as, issuers)


def _only(table: dict[str, Any], allowed: set[str], where: str, name: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{where}: [{name}] has no key {key!r}; expected " + ", ".join(sorted(allowed))
            )
