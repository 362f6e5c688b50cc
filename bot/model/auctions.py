"""Auctions of voucher lots for pledges of money, and how money is typed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import DomainError

OPEN = "open"
WON = "won"  # ended with a winner, waiting for the seller to confirm payment
UNSOLD = "unsold"  # ended with no bid at or above the reserve: the lot went back
SETTLED = "settled"  # paid; the lot moved to the winner

MOST_MINOR = 10**11  # a billion in a two-decimal currency: larger is a typo
LONGEST = timedelta(days=90)
SHORTEST = timedelta(minutes=5)

# Currencies whose minor unit is not a hundredth (ISO 4217).
_EXPONENTS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
_CODE = re.compile(r"^[A-Za-z]{3}$")
_AMOUNT = re.compile(r"^\s*(\d{1,15})(?:[.,](\d{1,3}))?\s*$")


def currency_code(text: str) -> str:
    if not _CODE.match(text.strip()):
        raise DomainError("money.currency", value=text)
    return text.strip().upper()


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def _scale(places: int) -> int:
    return int(10**places)


def parse_money(text: str, currency: str, *, allow_zero: bool = False) -> int:
    """`12.50` in GBP -> 1250 pence. Refuses signs, extra decimals and absurd sums."""
    cleaned = text.strip().removeprefix(currency).strip()
    match = _AMOUNT.match(cleaned)
    if not match:
        raise DomainError("money.amount", value=text, currency=currency)
    places = exponent(currency)
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > places:
        raise DomainError("money.decimals", value=text, currency=currency, places=places)
    minor = int(whole) * _scale(places) + int(fraction.ljust(places, "0") or 0)
    if minor < 0 or (minor == 0 and not allow_zero):
        raise DomainError("money.positive", value=text, currency=currency)
    if minor > MOST_MINOR:
        raise DomainError("money.absurd", value=text, currency=currency)
    return minor


def format_money(minor: int, currency: str) -> str:
    places = exponent(currency)
    if not places:
        return f"{currency} {minor}"
    whole, fraction = divmod(minor, _scale(places))
    return f"{currency} {whole}.{fraction:0{places}d}"


@dataclass
class Auction:
    id: int
    community_id: int
    number: int
    seller_id: int
    issuer_id: int
    minutes: int
    reserve: int
    currency: str
    opened_at: datetime
    ends_at: datetime
    status: str
    hold_id: str
    lot_account_id: int
    winner_id: int | None = None
    price: int | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Bid:
    id: int
    auction_id: int
    bidder_id: int
    amount: int
    at: datetime


def best(bids: Sequence[Bid]) -> Bid | None:
    """The highest bid; of equal ones (impossible with an increment), the earliest."""
    if not bids:
        return None
    return max(bids, key=lambda b: (b.amount, -b.id))


def minimum_bid(bids: Sequence[Bid], increment: int) -> int:
    top = best(bids)
    return 1 if top is None else top.amount + increment


def ends_after_bid(ends_at: datetime, now: datetime, extension: timedelta) -> datetime:
    """A bid in the last `extension` before the end pushes the end back by `extension`."""
    if extension and ends_at - now < extension:
        return ends_at + extension
    return ends_at


def winner(bids: Sequence[Bid], reserve: int) -> Bid | None:
    top = best(bids)
    return top if top is not None and top.amount >= reserve else None


def parse_increment(text: str) -> int:
    """A bid increment in minor units, typed like an amount of money: `0.50`, `1`."""
    return parse_money(text, "XXX")


def show_increment(minor: int) -> str:
    return format_money(int(minor), "XXX").removeprefix("XXX ")


@dataclass(frozen=True)
class Listing:
    """An auction as `auction list` shows it: with its people's names and best bid."""

    auction: Auction
    issuer: str
    seller: str
    best: int | None = None  # the best bid's amount, in minor units
    bidder: str | None = None  # who made it
