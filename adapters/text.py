"""The shared parser for `!group sub args` text commands (Matrix and console).

It only splits and binds: positional or `name:value` arguments, quoted
phrases, and the rest of the line for a trailing free-text argument. Typing
(members, durations, dates in the speaker's zone) happens in the core, which
knows who is speaking.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from bot.commands import Catalogue, Command, Kind
from bot.errors import DomainError
from bot.model.units import storable

_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "«": "»"}


@dataclass(frozen=True)
class ParsedCommand:
    command: str
    args: dict[str, str]


def is_command(text: str, prefix: str) -> bool:
    return text.lstrip().startswith(prefix)


def _scan(text: str) -> Iterator[tuple[str, int]]:
    """Tokens with where each starts. Lazy, so a trailing free-text argument can
    take the rest of the line as typed, quotes and all."""
    current: list[str] = []
    closing: str | None = None
    start: int | None = None
    for index, char in enumerate(text):
        if closing is not None:
            if char == closing or (closing == "”" and char == '"'):
                closing = None
            else:
                current.append(char)
            continue
        if char in _QUOTES:
            closing = _QUOTES[char]
            start = index if start is None else start
        elif char.isspace():
            if start is not None:
                yield "".join(current), start
                current, start = [], None
        else:
            current.append(char)
            start = index if start is None else start
    if closing is not None:
        raise DomainError("input.quote")
    if start is not None:
        yield "".join(current), start


def tokenize(text: str) -> list[str]:
    """Split on white space; quotes group words and may start mid-word (`name:"a b"`)."""
    return [token for token, _ in _scan(text)]


def parse(text: str, prefix: str, catalogue: Catalogue) -> ParsedCommand:
    # Refused before anything echoes a piece of it back: a lone surrogate can't even
    # be printed.
    if not storable(text):
        raise DomainError("input.unstorable_message")
    body = text.lstrip()[len(prefix) :]
    scanner = _scan(body)
    head = list(itertools.islice(scanner, 2))
    if not head:
        raise DomainError("command.empty")
    command, used = _find_command([token for token, _ in head], catalogue)
    rest = itertools.chain(head[used:], scanner)
    return ParsedCommand(command.name, _bind(command, rest, body))


def _find_command(tokens: list[str], catalogue: Catalogue) -> tuple[Command, int]:
    """The command the first words name, and how many words its name took."""
    words = [t.lower() for t in tokens[:2]]
    for length in (2, 1):
        found = catalogue.get(" ".join(words[:length]))
        if found is not None and len(words) >= length:
            return found, length
    typed = " ".join(words)
    names = catalogue.names()
    close = difflib.get_close_matches(typed, names, n=1, cutoff=0.5) or difflib.get_close_matches(
        words[0], names + [n.split(" ")[0] for n in names], n=1, cutoff=0.6
    )
    if close:
        suggestion = close[0]
        if catalogue.get(suggestion) is None:  # a group name: point at its first command
            suggestion = next(n for n in names if n.startswith(suggestion + " "))
        command = catalogue.get(suggestion)
        assert command is not None
        raise DomainError("command.unknown", command=typed, suggestion=command.usage())
    raise DomainError("command.unknown_nohint", command=typed)


def _bind(command: Command, tokens: Iterator[tuple[str, int]], body: str) -> dict[str, str]:
    names = {a.name for a in command.args}
    usage = command.usage()
    bound: dict[str, str] = {}
    extra: list[str] = []
    for token, start in tokens:
        name, sep, value = token.partition(":")
        if sep and name.lower() in names:
            if name.lower() in bound:
                raise DomainError("input.twice", name=name, usage=usage)
            bound[name.lower()] = value
            continue
        slot = next((a for a in command.args if not a.named_only and a.name not in bound), None)
        if slot is None:
            extra.append(token)
        elif slot.kind is Kind.REST:
            # Free text keeps its spacing and quotes: comments, pasted JSON.
            bound[slot.name] = body[start:].strip()
            break
        else:
            bound[slot.name] = token
    if extra:
        raise DomainError("input.extra", value=" ".join(extra), usage=usage)
    return bound
