"""Time vouchers as a double-entry ledger, after TigerBeetle.

Every member's hours are a currency of their own (the issuer's member id is
the currency). Amounts are whole minutes. Accounts keep four cached totals;
transfers are immutable and only ever added. A pending transfer reserves its
amount on both accounts until exactly one later transfer posts or voids it.
Corrections are new transfers.

The rule every account but an issuer's keeps is TigerBeetle's "debits must
not exceed credits": what has left it, plus what is reserved to leave it,
never exceeds what came in. An issuer's account is where its vouchers come
from, so it runs below zero; how far (the outstanding hours) is limited by
the cap, which depends on the hours the issuer has delivered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.errors import DomainError
from bot.model.units import format_minutes

STEP = 15  # vouchers move in quarter hours
MOST = 1000 * 60  # no single movement is larger than this

# Account kinds.
ISSUER = "issuer"  # the issuer's own account: the source of issued vouchers
HOLDING = "holding"  # a member's holding of one currency
ESCROW = "escrow"  # one learner's bundle in one learning agreement
LOT = "lot"  # one auction's lot, from settlement on
KINDS = (ISSUER, HOLDING, ESCROW, LOT)

# Transfer codes: what a movement was for.
ISSUE = "issue"
GIVE = "give"
RETIRE = "retire"  # given back to the issuer
REDEEM = "redeem"  # held while a request is open, retired when confirmed
ESCROW_IN = "escrow"
RELEASE = "release"  # escrow to the provider after a pass
REFUND = "refund"  # escrow back after a fail or expiry
LOT_HOLD = "lot"  # an auction lot, held while the auction runs
SALE = "sale"  # the lot to the winner
CODES = (ISSUE, GIVE, RETIRE, REDEEM, ESCROW_IN, RELEASE, REFUND, LOT_HOLD, SALE)

# Transfer flags.
POSTED = "none"  # moves at once
PENDING = "pending"  # reserves until posted or voided
POST = "post_pending"  # completes a pending transfer
VOID = "void_pending"  # releases a pending transfer
FLAGS = (POSTED, PENDING, POST, VOID)


def check_amount(minutes: int) -> int:
    """A voucher amount members may move: positive, not absurd, in quarter hours."""
    if minutes <= 0:
        raise DomainError("voucher.amount_positive", value=format_minutes(minutes))
    if minutes > MOST:
        raise DomainError(
            "voucher.amount_absurd", value=format_minutes(minutes), most=format_minutes(MOST)
        )
    if minutes % STEP:
        lower = minutes - minutes % STEP
        raise DomainError(
            "voucher.amount_step",
            value=format_minutes(minutes),
            lower=format_minutes(lower) if lower else format_minutes(STEP),
            higher=format_minutes(lower + STEP),
        )
    return minutes


def cap(delivered: int, base: int, most: int) -> int:
    """How many of an issuer's hours may be outstanding: base plus delivered, at most `most`."""
    return min(base + delivered, most)


def transfer_id(community_id: int, key: str, index: int) -> str:
    """A transfer's id from the command (or due job) that made it, so a replay finds it."""
    digest = hashlib.sha256(f"{community_id}\x1f{key}\x1f{index}".encode()).hexdigest()
    return digest[:32]


@dataclass
class Account:
    id: int
    community_id: int
    issuer_id: int
    kind: str
    owner_id: int
    ref: int = 0
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0
    services: str = ""

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        """What can still leave: the balance less what is reserved to leave."""
        return self.balance - self.debits_pending

    @property
    def outstanding(self) -> int:
        """For an issuer's account: issued and not yet retired."""
        return self.debits_posted - self.credits_posted

    def totals(self) -> tuple[int, int, int, int]:
        return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)


@dataclass(frozen=True)
class Transfer:
    id: str
    debit_account_id: int
    credit_account_id: int
    amount: int
    code: str
    flag: str = POSTED
    pending_id: str | None = None
    memo: str = ""


def resolve(transfer_id_: str, pending: Transfer, flag: str) -> Transfer:
    """The transfer that posts or voids `pending`: same accounts, same amount."""
    assert flag in (POST, VOID)
    return Transfer(
        transfer_id_,
        pending.debit_account_id,
        pending.credit_account_id,
        pending.amount,
        pending.code,
        flag,
        pending.id,
    )


class Overdrawn(Exception):
    """A transfer would take an account past its limit."""

    def __init__(self, account: Account, transfer: Transfer, limit: int) -> None:
        super().__init__(f"account {account.id} over its limit by transfer {transfer.id}")
        self.account = account
        self.transfer = transfer
        self.limit = limit


class Invalid(Exception):
    """A transfer that breaks the ledger's structure: a bug in its caller, never input."""


def apply(
    accounts: Mapping[int, Account],
    batch: Sequence[Transfer],
    pendings: Mapping[str, Transfer],
    resolved: Iterable[str] = (),
    limits: Mapping[int, int] | None = None,
) -> dict[int, Account]:
    """Apply a batch in order and return the changed accounts; all or nothing.

    `accounts` must hold every account the batch touches, read under lock.
    `pendings` holds the pending transfers the batch posts or voids, and
    `resolved` those of them already posted or voided. `limits` gives, for
    issuer accounts the batch debits, how far below zero they may go.
    """
    limits = limits or {}
    work = {i: replace(a) for i, a in accounts.items()}
    done = set(resolved)
    changed: set[int] = set()
    for transfer in batch:
        debit = work.get(transfer.debit_account_id)
        credit = work.get(transfer.credit_account_id)
        if debit is None or credit is None:
            raise Invalid(f"transfer {transfer.id} names an account that was not loaded")
        if debit.id == credit.id:
            raise Invalid(f"transfer {transfer.id} debits and credits one account")
        if debit.issuer_id != credit.issuer_id or debit.community_id != credit.community_id:
            raise Invalid(f"transfer {transfer.id} crosses currencies")
        if transfer.amount <= 0:
            raise Invalid(f"transfer {transfer.id} moves {transfer.amount}")
        if transfer.code not in CODES or transfer.flag not in FLAGS:
            raise Invalid(f"transfer {transfer.id} has an unknown code or flag")
        amount = transfer.amount
        if transfer.flag in (POSTED, PENDING):
            if transfer.pending_id is not None:
                raise Invalid(f"transfer {transfer.id} names a pending transfer it cannot resolve")
            if transfer.flag == POSTED:
                debit.debits_posted += amount
                credit.credits_posted += amount
            else:
                debit.debits_pending += amount
                credit.credits_pending += amount
            _check_limit(debit, transfer, limits)
        else:
            pending = pendings.get(transfer.pending_id or "")
            if pending is None or pending.flag != PENDING:
                raise Invalid(f"transfer {transfer.id} resolves no pending transfer")
            if transfer.pending_id in done:
                raise Invalid(f"pending transfer {transfer.pending_id} is already resolved")
            same = (pending.debit_account_id, pending.credit_account_id, pending.amount)
            if same != (transfer.debit_account_id, transfer.credit_account_id, amount):
                raise Invalid(f"transfer {transfer.id} does not match its pending transfer")
            done.add(pending.id)
            debit.debits_pending -= amount
            credit.credits_pending -= amount
            if transfer.flag == POST:
                debit.debits_posted += amount
                credit.credits_posted += amount
        changed.update((debit.id, credit.id))
    return {i: work[i] for i in changed}


def _check_limit(account: Account, transfer: Transfer, limits: Mapping[int, int]) -> None:
    # Only the debited side can break its limit; credits never overdraw.
    limit = 0
    if account.kind == ISSUER:
        if account.id not in limits:
            raise Invalid(f"issuer account {account.id} debited without a cap")
        limit = limits[account.id]
    if account.debits_posted + account.debits_pending - account.credits_posted > limit:
        raise Overdrawn(account, transfer, limit)


@dataclass(frozen=True)
class Sums:
    """One account's totals as recomputed from its transfers."""

    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0

    def totals(self) -> tuple[int, int, int, int]:
        return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)


def differences(
    accounts: Iterable[Account], sums: Mapping[int, Sums], problems: Iterable[str] = ()
) -> list[str]:
    """Everything wrong with the ledger, in words; empty when it is sound."""
    found = list(problems)
    per_currency: dict[int, list[int]] = {}
    for account in accounts:
        recomputed = sums.get(account.id, Sums())
        if account.totals() != recomputed.totals():
            found.append(
                f"account {account.id} ({account.kind} of member {account.owner_id} in currency "
                f"{account.issuer_id}) caches {account.totals()} but its transfers sum to "
                f"{recomputed.totals()} (debits pending, debits posted, credits pending, "
                "credits posted)"
            )
        if account.kind != ISSUER and account.debits_posted + account.debits_pending > (
            account.credits_posted
        ):
            found.append(
                f"account {account.id} ({account.kind} of member {account.owner_id}) is below "
                f"zero counting holds: balance {account.balance}, held {account.debits_pending}"
            )
        for total in (account.debits_pending, account.credits_pending):
            if total < 0:
                found.append(f"account {account.id} has a negative pending total")
        net = per_currency.setdefault(account.issuer_id, [0, 0])
        net[0] += account.credits_posted - account.debits_posted
        net[1] += account.credits_pending - account.debits_pending
    for issuer_id, (posted, pending) in sorted(per_currency.items()):
        if posted or pending:
            found.append(
                f"currency {issuer_id} does not balance: posted {posted:+d}, pending {pending:+d}"
            )
    return found


@dataclass(frozen=True)
class AccountKey:
    """An account's natural identity: whose currency, what kind, whose, for what."""

    issuer_id: int
    kind: str
    owner_id: int
    ref: int = 0


def receiving_key(issuer_id: int, member_id: int) -> AccountKey:
    """Where a member receives a currency: vouchers that reach their issuer are retired."""
    if issuer_id == member_id:
        return AccountKey(issuer_id, ISSUER, issuer_id)
    return AccountKey(issuer_id, HOLDING, member_id)


def issuer_key(issuer_id: int) -> AccountKey:
    return AccountKey(issuer_id, ISSUER, issuer_id)


def holding_key(issuer_id: int, member_id: int) -> AccountKey:
    return AccountKey(issuer_id, HOLDING, member_id)


@dataclass(frozen=True)
class Movement:
    """One transfer as a member's history shows it."""

    at: datetime
    code: str
    flag: str
    amount: int
    # "in" to the member's own spendable account, "out" of it, or "aside" when
    # only their escrow or lot moved (its amount left their hands before).
    direction: str
    issuer_id: int
    issuer_name: str
    counterpart_id: int
    counterpart_name: str
    counterpart_kind: str
    memo: str


# Redemption requests.
OPEN = "open"
DELIVERED = "delivered"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
DECLINED = "declined"
DISPUTED = "disputed"
REFUNDED = "refunded"
SETTLED_REQUESTS = (CONFIRMED, CANCELLED, DECLINED, REFUNDED)


@dataclass
class Redemption:
    id: int
    community_id: int
    number: int
    holder_id: int
    issuer_id: int
    minutes: int
    service: str
    status: str
    hold_id: str
    requested_at: datetime
    updated_at: datetime
    resolved_by: int | None = None


# Who may move a request on, and from which states: (action, party) -> states.
_MOVES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "deliver": ("issuer", (OPEN,), DELIVERED),
    "confirm": ("holder", (DELIVERED,), CONFIRMED),
    "cancel": ("holder", (OPEN,), CANCELLED),
    "decline": ("issuer", (OPEN,), DECLINED),
    "dispute": ("either", (DELIVERED,), DISPUTED),
}


def request_move(redemption: Redemption, action: str, member_id: int) -> str:
    """The state a request moves to, or a refusal saying why not."""
    party, states, target = _MOVES[action]
    parties = {"issuer": (redemption.issuer_id,), "holder": (redemption.holder_id,)}
    allowed = parties.get(party, (redemption.issuer_id, redemption.holder_id))
    number = redemption.number
    if member_id not in allowed:
        raise DomainError(f"redeem.not_{party}", number=number, action=action)
    if redemption.status not in states:
        raise DomainError(
            f"redeem.cannot_{action}",
            number=number,
            status={"$key": f"redeem.status_{redemption.status}"},
        )
    return target
