"""Pages of the lists members read: which rows a page holds, and how to ask for
the next one. A list is read a page at a time from storage, one row more than
the page shows, so a reply knows whether another page follows without counting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.errors import DomainError

T = TypeVar("T")

# The highest page number a command takes; each page is a few lines.
MOST_PAGES = 10_000


@dataclass(frozen=True)
class Page:
    number: int  # from 1, the first page
    size: int  # rows a page shows

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def limit(self) -> int:
        """Rows to read: one more than a page, to tell whether another follows."""
        return self.size + 1

    def rows(self, fetched: Sequence[T], first: str) -> tuple[list[T], bool]:
        """The rows this page shows and whether a next page follows. A page past the
        end is refused, naming `first`, the command that shows the first page."""
        if not fetched and self.number > 1:
            raise DomainError("page.past_end", page=self.number, command=first)
        return list(fetched[: self.size]), len(fetched) > self.size


def command_line(name: str, *words: str | None, page: int | None = None) -> str:
    """A command as a member would type it: `circle list 2`, `event list page:2`.
    Words that are None were left out, so a page after them is named."""
    shown = [_word(w) for w in words if w is not None]
    if page is not None and page > 1:
        shown.append(str(page) if None not in words else f"page:{page}")
    return " ".join([name, *shown])


def _word(text: str) -> str:
    return f'"{text}"' if any(c.isspace() for c in text) else text
