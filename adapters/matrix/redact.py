"""Keeps the bot's access token and password out of every log line.

matrix-nio logs whole responses at DEBUG, and a login response carries the
access token, so a filter scrubs records on nio's loggers before any handler
sees them.
"""

from __future__ import annotations

import logging
import re

_FIELD = re.compile(r"""(["']?(?:access_token|password)["']?\s*[:=]\s*)(["'])[^"']*\2""")
_HIDDEN = "<hidden>"


class HideSecrets(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        cleaned = _FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}{_HIDDEN}{m.group(2)}", message)
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, _HIDDEN)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = HideSecrets()


def hide(*secrets: str | None) -> None:
    """Scrub these values, and any access_token or password field, from nio's logs."""
    _FILTER.secrets.update(s for s in secrets if s and len(s) >= 8)
    names = [n for n in logging.root.manager.loggerDict if n == "nio" or n.startswith("nio.")]
    for name in [*names, "junto", "junto.matrix", "aiohttp.client"]:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
