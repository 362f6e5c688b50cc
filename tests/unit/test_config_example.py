"""config.example.toml stays a true list of every setting, and parses."""

from __future__ import annotations

import tomllib
from pathlib import Path

from adapters.config import parse
from bot.model.settings import SETTINGS

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def test_the_example_lists_every_community_setting_with_its_default() -> None:
    raw = tomllib.loads(EXAMPLE.read_text())
    assert set(raw["community"]) == set(SETTINGS)
    config = parse(raw, "config.example.toml")
    for name, setting in SETTINGS.items():
        assert config.defaults[name] == setting.default, name


def test_the_example_lists_every_credentials_setting_with_its_default() -> None:
    from dataclasses import fields

    from bot.credentials.identity import CredentialsConfig

    raw = tomllib.loads(EXAMPLE.read_text())
    assert set(raw["credentials"]) == {f.name for f in fields(CredentialsConfig)}
    assert parse(raw, "config.example.toml").credentials == CredentialsConfig()
