"""Domain errors: a message key and its parameters, never transport codes."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the command; everything it did is rolled back.

    `code` is a message key in bot/wording/, `params` fill its template.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.params!r})"
