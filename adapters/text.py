"""The shared parser for `!group sub args` text commands (Matrix and console).

It only splits and binds: positional or `name:value` arguments, quoted
phrases, and the rest of the line for a trailing free-text argument. Typing
(members, durations, dates in the speaker's zone) happens in the core, which
knows who is speaking.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.catalogue import Catalogue, Command, Kind
from bot.errors import DomainError

_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "«": "»"}


@dataclass(frozen=True)
class ParsedCommand:
    command: str
    args: dict[str, str]


def is_command(text: str, prefix: str) -> bool:
    return text.lstrip().startswith(prefix)


def tokenize(text: str) -> list[str]:
    """Split on white space; quotes group words and may start mid-word (`name:"a b"`)."""
    tokens: list[str] = []
    current: list[str] = []
    closing: str | None = None
    started = False
    for char in text:
        if closing is not None:
            if char == closing or (closing == "”" and char == '"'):
                closing = None
            else:
                current.append(char)
            continue
        if char in _QUOTES:
            closing = _QUOTES[char]
            started = True
        elif char.isspace():
            if started:
                tokens.append("".join(current))
                current, started = [], False
        else:
            current.append(char)
            started = True
    if closing is not None:
        raise DomainError("input.quote")
    if started:
        tokens.append("".join(current))
    return tokens


def parse(text: str, prefix: str, catalogue: Catalogue) -> ParsedCommand:
    body = text.lstrip()[len(prefix) :]
    tokens = tokenize(body)
    if not tokens:
        raise DomainError("command.empty")
    command, rest = _find_command(tokens, catalogue)
    return ParsedCommand(command.name, _bind(command, rest))


def _find_command(tokens: list[str], catalogue: Catalogue) -> tuple[Command, list[str]]:
    words = [t.lower() for t in tokens[:2]]
    for length in (2, 1):
        found = catalogue.get(" ".join(words[:length]))
        if found is not None and len(words) >= length:
            return found, tokens[length:]
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


def _bind(command: Command, tokens: list[str]) -> dict[str, str]:
    names = {a.name for a in command.args}
    usage = command.usage()
    bound: dict[str, str] = {}
    positional: list[str] = []
    for token in tokens:
        name, sep, value = token.partition(":")
        if sep and name.lower() in names:
            if name.lower() in bound:
                raise DomainError("input.twice", name=name, usage=usage)
            bound[name.lower()] = value
        else:
            positional.append(token)
    slots = [a for a in command.args if not a.named_only and a.name not in bound]
    for arg in slots:
        if not positional:
            break
        if arg.kind is Kind.REST:
            bound[arg.name] = " ".join(positional)
            positional = []
            break
        bound[arg.name] = positional.pop(0)
    if positional:
        raise DomainError("input.extra", value=" ".join(positional), usage=usage)
    return bound
