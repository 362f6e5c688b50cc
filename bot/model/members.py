"""Members of a community and how they are addressed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Actor:
    """Who is speaking, as their platform knows them."""

    platform: str
    external_id: str
    display_name: str
    # Discord's Manage Server, or a user listed in the Matrix config's admins.
    platform_admin: bool = False


@dataclass(frozen=True)
class MemberRef:
    """A member as an adapter names them: an identity on a platform."""

    platform: str
    external_id: str
    display_name: str | None = None


@dataclass
class Member:
    id: int
    community_id: int
    display_name: str
    joined_at: datetime
    context: str | None = None
    timezone: str | None = None
    offers: str = ""
    seeks: str = ""
    is_admin: bool = False
    is_assessor: bool = False
    is_trustee: bool = False
    identities: list[tuple[str, str]] = field(default_factory=list)

    @property
    def context_key(self) -> str | None:
        return context_key(self.context)

    def roles(self) -> list[str]:
        return [
            role
            for role, held in (
                ("admin", self.is_admin),
                ("assessor", self.is_assessor),
                ("trustee", self.is_trustee),
            )
            if held
        ]


def context_key(context: str | None) -> str | None:
    """Contexts compare case-insensitively and ignoring spacing."""
    if context is None:
        return None
    # Casefolding can lengthen text ("ß" is "ss"): the key keeps to the 80 characters
    # a context may have, like the stored column.
    key = " ".join(context.casefold().split())[:80]
    return key or None
