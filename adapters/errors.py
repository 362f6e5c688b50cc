"""Errors worded for the operator, shared by the config and every runner."""

from __future__ import annotations


class ConfigError(Exception):
    """A config problem, worded for the person who edits the file."""
