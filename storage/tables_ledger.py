"""Tables for the voucher ledger, redemptions, agreements and auctions."""

from __future__ import annotations
