"""What the vouchers, agreements and auctions need from storage, as Protocols."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from bot.model.ledger import Account, AccountKey, Movement, Redemption, Transfer


class LedgerRepository(Protocol):
    async def accounts(
        self, community_id: int, keys: Iterable[AccountKey], *, lock: bool
    ) -> dict[AccountKey, Account]:
        """The accounts for these keys, opened on first use; locked for writing if asked."""
        ...

    async def find(self, key: AccountKey) -> Account | None:
        """An account if it exists; never opens one."""
        ...

    async def lock(self, account_ids: Iterable[int]) -> dict[int, Account]: ...

    async def transfers(self, ids: Iterable[str]) -> dict[str, Transfer]: ...

    async def resolved(self, pending_ids: Iterable[str]) -> set[str]:
        """Which of these pending transfers have been posted or voided."""
        ...

    async def insert(self, community_id: int, batch: Sequence[Transfer], now: datetime) -> int:
        """Insert the transfers whose ids are new; how many were new."""
        ...

    async def save_totals(self, accounts: Iterable[Account]) -> None: ...

    async def set_services(self, account_id: int, services: str) -> None: ...

    async def owned(
        self, community_id: int, owner_id: int
    ) -> tuple[list[tuple[Account, str]], int]:
        """Every account a member owns, in every currency, with its issuer's name; and the
        minutes the member has delivered."""
        ...

    async def names(self, member_ids: Iterable[int]) -> dict[int, str]: ...

    async def delivered(self, issuer_id: int) -> int:
        """Minutes of redemptions the issuer delivered and the holder confirmed."""
        ...

    async def history(self, owner_id: int, offset: int, limit: int) -> list[Movement]:
        """The member's movements, newest first: `limit` of them from `offset`."""
        ...

    async def trustees(self, community_id: int) -> list[int]: ...

    async def add_redemption(
        self,
        community_id: int,
        number: int,
        holder_id: int,
        issuer_id: int,
        minutes: int,
        service: str,
        hold_id: str,
        now: datetime,
    ) -> Redemption: ...

    async def redemption(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Redemption | None: ...

    async def open_redemptions(self, community_id: int, member_id: int) -> list[Redemption]:
        """Requests the member made or must answer that are not finished."""
        ...

    async def set_redemption(
        self, redemption_id: int, status: str, now: datetime, resolved_by: int | None = None
    ) -> None: ...

    async def check(self, community_id: int | None = None) -> list[str]:
        """Recompute every balance from the transfers; what differs, in words."""
        ...
