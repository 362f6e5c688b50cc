"""Wording for vouchers, redemption, agreements and auctions."""

from __future__ import annotations

MESSAGES_LEDGER: dict[str, str] = {}
