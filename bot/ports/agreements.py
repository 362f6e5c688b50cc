"""Providers, learning agreements and their escrowed bundles."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.model.agreements import Agreement, Bundle, Provider


class AgreementRepository(Protocol):
    async def provider(self, community_id: int, member_id: int) -> Provider | None: ...

    async def save_provider(
        self,
        community_id: int,
        member_id: int,
        kind: str,
        skills: str,
        terms_minutes: int,
        guarantee: str,
        now: datetime,
    ) -> bool:
        """Register or update a listing; True when it is new."""
        ...

    async def providers(
        self, community_id: int, skill: str | None, offset: int, limit: int
    ) -> list[tuple[Provider, str]]:
        """A page of the community's providers (those listing `skill`, when given) in
        the order they registered, each with their display name."""
        ...

    async def create(
        self,
        community_id: int,
        number: int,
        provider_id: int,
        skill: str,
        minutes_each: int,
        proposed_by: int,
        now: datetime,
    ) -> Agreement: ...

    async def add_bundle(self, bundle: Bundle) -> None: ...

    async def get(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Agreement | None: ...

    async def by_id(
        self, agreement_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> Agreement | None: ...

    async def bundles(self, agreement_id: int) -> list[Bundle]: ...

    async def save_bundle(self, bundle: Bundle) -> None: ...

    async def set_status(
        self,
        agreement_id: int,
        status: str,
        *,
        accepted_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> None: ...

    async def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(community id, agreement id) of accepted agreements whose escrow has expired."""
        ...

    async def involving(self, community_id: int, member_id: int) -> list[Agreement]:
        """The agreements the member provides or learns in, by number."""
        ...

    async def involving_page(
        self, community_id: int, member_id: int, offset: int, limit: int
    ) -> list[Agreement]:
        """A page of `involving`."""
        ...
