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

    async def providers(self, community_id: int) -> list[Provider]: ...

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

    async def involving(self, community_id: int, member_id: int) -> list[Agreement]: ...
