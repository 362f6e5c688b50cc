"""Secrets kept out of logs: the bot token, and interaction tokens in webhook URLs.

discord.py logs request URLs and gateway payloads at DEBUG; an interaction's token
(in `/webhooks/{app}/{token}`, `/interactions/{id}/{token}/callback` and the
INTERACTION_CREATE payload) lets anyone answer as the bot for 15 minutes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

_INTERACTION_URL = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.\-]{20,}")
_TOKEN_FIELD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")
HIDDEN = "[hidden]"


def redact(text: str, secrets: Iterable[str]) -> str:
    text = _INTERACTION_URL.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _TOKEN_FIELD.sub(lambda m: m.group(1) + HIDDEN, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with the secrets hidden."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def hide_secrets(
    secrets: Iterable[str], handlers: Iterable[logging.Handler] | None = None
) -> Callable[[], None]:
    """Install the filter on these handlers (default: the root logger's); returns an undo."""
    chosen = list(logging.getLogger().handlers if handlers is None else handlers)
    found = RedactingFilter(secrets)
    for handler in chosen:
        handler.addFilter(found)

    def undo() -> None:
        for handler in chosen:
            handler.removeFilter(found)

    return undo
