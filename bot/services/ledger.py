"""Time vouchers: issue, give, balance, history, and redemption of hours for service.

`Book` is the ledger inside one unit of work: the agreements and auctions
services move vouchers through it too, so every movement obeys the same
limits, is found again on a replay, and commits with the command or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg, page_params
from bot.errors import DomainError
from bot.model import ledger as L
from bot.model.ledger import Account, AccountKey, Invalid, Overdrawn, Redemption, Transfer
from bot.model.members import Member
from bot.model.paging import command_line
from bot.model.settings import Settings
from bot.model.units import bounded_text, format_minutes
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import Reply, instant, nested
from bot.wording import MESSAGES


def hours(minutes: int) -> str:
    return format_minutes(minutes)


class Book:
    """Accounts and transfers for one command (or one due job) in its unit of work."""

    def __init__(
        self,
        uow: UnitOfWork,
        community_id: int,
        settings: Settings,
        key: str,
        now: datetime,
        actor_id: int | None = None,
    ) -> None:
        self.uow = uow
        self.community_id = community_id
        self.settings = settings
        self.key = key
        self.now = now
        self.actor_id = actor_id
        self._next = 0
        # Accounts this transaction has locked, kept current as batches apply.
        self._locked: dict[int, Account] = {}

    @classmethod
    def of(cls, ctx: Ctx) -> Book:
        return cls(ctx.uow, ctx.community.id, ctx.settings, ctx.key, ctx.now, ctx.member.id)

    def next_id(self) -> str:
        index, self._next = self._next, self._next + 1
        return L.transfer_id(self.community_id, self.key, index)

    async def accounts(self, *keys: AccountKey) -> dict[AccountKey, Account]:
        """The accounts for these keys, opened on first use and locked until commit."""
        found = await self.uow.ledger.accounts(self.community_id, keys, lock=True)
        for account in found.values():
            self._locked[account.id] = account
        return found

    def cap(self, delivered: int) -> int:
        return L.cap(
            delivered,
            int(self.settings["voucher_cap_base"]),
            int(self.settings["voucher_cap_most"]),
        )

    async def execute(self, batch: Sequence[Transfer]) -> bool:
        """Apply the transfers together or not at all; False when they were made before."""
        ledger = self.uow.ledger
        wanted = {x.debit_account_id for x in batch} | {x.credit_account_id for x in batch}
        missing = wanted - self._locked.keys()
        if missing:
            self._locked.update(await ledger.lock(missing))
        pending_ids = [x.pending_id for x in batch if x.pending_id is not None]
        pendings = await ledger.transfers(pending_ids)
        resolved = await ledger.resolved(pending_ids)
        limits = {
            account_id: self.cap(await ledger.delivered(self._locked[account_id].issuer_id))
            for account_id in {x.debit_account_id for x in batch}
            if account_id in self._locked and self._locked[account_id].kind == L.ISSUER
        }
        try:
            changed = L.apply(self._locked, batch, pendings, resolved, limits)
        except (Overdrawn, Invalid) as error:
            if await self._made_before(batch):
                return False
            if isinstance(error, Overdrawn):
                raise await self._refusal(error) from None
            raise
        inserted = await ledger.insert(self.community_id, batch, self.now)
        if inserted == 0:
            return False
        if inserted != len(batch):
            raise Invalid("part of a batch of transfers existed already")
        await ledger.save_totals(changed.values())
        self._locked.update(changed)
        return True

    def current(self, account_id: int) -> Account:
        """An account as this transaction has left it so far."""
        return self._locked[account_id]

    async def _made_before(self, batch: Sequence[Transfer]) -> bool:
        found = await self.uow.ledger.transfers(x.id for x in batch)
        return len(found) == len(batch)

    async def _refusal(self, over: Overdrawn) -> DomainError:
        account, wanted = over.account, over.transfer.amount
        names = await self.uow.ledger.names([account.owner_id, account.issuer_id])
        mine = account.owner_id == self.actor_id
        if account.kind == L.ISSUER:
            outstanding = account.debits_posted + account.debits_pending - account.credits_posted
            outstanding -= wanted
            return DomainError(
                "voucher.over_cap" if mine else "voucher.over_cap_other",
                owner=names.get(account.owner_id, "?"),
                outstanding=hours(outstanding),
                cap=hours(over.limit),
                headroom=hours(max(0, over.limit - outstanding)),
                wanted=hours(wanted),
                base=hours(int(self.settings["voucher_cap_base"])),
                most=hours(int(self.settings["voucher_cap_most"])),
            )
        if account.kind == L.HOLDING:
            return DomainError(
                "voucher.not_enough" if mine else "voucher.not_enough_other",
                owner=names.get(account.owner_id, "?"),
                issuer=names.get(account.issuer_id, "?"),
                available=hours(account.available + wanted),
                reserved=reserved_note(
                    account.debits_pending - (wanted if over.transfer.flag == L.PENDING else 0)
                ),
                wanted=hours(wanted),
            )
        return DomainError("ledger.overdrawn", wanted=hours(wanted))


def reserved_note(minutes: int) -> Any:
    return nested("voucher.reserved", reserved=hours(minutes)) if minutes > 0 else ""


def book(ctx: Ctx) -> Book:
    return Book.of(ctx)


def amount(args: Mapping[str, Any], name: str = "hours") -> int:
    return L.check_amount(int(args[name]))


# Issuing and giving.


async def issue(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    to: Member = args["to"]
    minutes = amount(args)
    services = bounded_text(args["services"], "services", 200)
    memo = bounded_text(args["memo"], "memo", 200) if args.get("memo") else ""
    if to.id == ctx.member.id:
        raise DomainError("voucher.issue_self")
    ledger = book(ctx)
    me = ctx.member.id
    accounts = await ledger.accounts(L.issuer_key(me), L.holding_key(me, to.id))
    source, target = accounts[L.issuer_key(me)], accounts[L.holding_key(me, to.id)]
    if source.services != services:
        await ctx.uow.ledger.set_services(source.id, services)
    await ledger.execute(
        [Transfer(ledger.next_id(), source.id, target.id, minutes, L.ISSUE, memo=memo)]
    )
    after = ledger.current(source.id)
    cap = ledger.cap(await ctx.uow.ledger.delivered(me))
    ctx.tell_member(
        to.id,
        Reply(
            "voucher.issued_to_you",
            {
                "issuer": ctx.member.display_name,
                "hours": hours(minutes),
                "services": services,
                "memo": nested("voucher.memo", memo=memo) if memo else "",
            },
        ),
    )
    return Reply(
        "voucher.issued",
        {
            "to": to.display_name,
            "hours": hours(minutes),
            "services": services,
            "outstanding": hours(after.outstanding),
            "cap": hours(cap),
        },
        private=True,
    )


async def give(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    to: Member = args["to"]
    issuer: Member = args["issuer"]
    minutes = amount(args)
    me = ctx.member.id
    if to.id == me:
        raise DomainError("voucher.give_self")
    if issuer.id == me:
        raise DomainError("voucher.give_own", to=to.display_name, hours=hours(minutes))
    held = await ctx.uow.ledger.find(L.holding_key(issuer.id, me))
    if held is None or held.balance <= 0:
        raise DomainError("voucher.none_held", issuer=issuer.display_name)
    ledger = book(ctx)
    source_key, target_key = L.holding_key(issuer.id, me), L.receiving_key(issuer.id, to.id)
    accounts = await ledger.accounts(source_key, target_key)
    retiring = to.id == issuer.id
    code = L.RETIRE if retiring else L.GIVE
    await ledger.execute(
        [
            Transfer(
                ledger.next_id(), accounts[source_key].id, accounts[target_key].id, minutes, code
            )
        ]
    )
    left = ledger.current(accounts[source_key].id)
    params = {
        "to": to.display_name,
        "from": ctx.member.display_name,
        "issuer": issuer.display_name,
        "hours": hours(minutes),
        "left": hours(left.balance),
    }
    if retiring:
        ctx.tell_member(to.id, Reply("voucher.returned_to_you", params))
        return Reply("voucher.returned", params, private=True)
    ctx.tell_member(to.id, Reply("voucher.given_to_you", params))
    return Reply("voucher.given", params, private=True)


# Balances and history.


async def balance(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    mine = member.id == ctx.member.id
    owned, delivered = await ctx.uow.ledger.owned(ctx.community.id, member.id)
    accounts = [account for account, _ in owned]
    names = {account.issuer_id: name for account, name in owned}
    lines: list[Any] = []
    escrowed: dict[int, int] = {}
    own: Account | None = None
    for account in accounts:
        if account.kind == L.ISSUER:
            own = account
        elif account.kind == L.HOLDING and (account.balance or account.debits_pending):
            reserved = (
                nested(
                    "voucher.balance_reserved",
                    reserved=hours(account.debits_pending),
                    available=hours(account.available),
                )
                if account.debits_pending
                else ""
            )
            lines.append(
                nested(
                    "voucher.balance_line",
                    issuer=names.get(account.issuer_id, "?"),
                    hours=hours(account.balance),
                    reserved=reserved,
                )
            )
        elif account.kind == L.ESCROW and account.balance:
            escrowed[account.issuer_id] = escrowed.get(account.issuer_id, 0) + account.balance
    for issuer_id, minutes in escrowed.items():
        lines.append(
            nested("voucher.balance_escrow", issuer=names.get(issuer_id, "?"), hours=hours(minutes))
        )
    cap = L.cap(
        delivered, int(ctx.settings["voucher_cap_base"]), int(ctx.settings["voucher_cap_most"])
    )
    outstanding = own.outstanding if own else 0
    return Reply(
        "voucher.balance" if mine else "voucher.balance_of",
        {
            "member": member.display_name,
            "lines": lines or [nested("voucher.balance_none")],
            "services": nested("voucher.balance_services", services=own.services)
            if own and own.services
            else "",
            "outstanding": hours(outstanding),
            "delivered": hours(delivered),
            "cap": hours(cap),
            "headroom": hours(max(0, cap - outstanding)),
        },
        private=True,
    )


async def history(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    if member.id != ctx.member.id and not (ctx.is_admin or ctx.member.is_trustee):
        raise DomainError("voucher.history_private", member=member.display_name)
    page = ctx.page(args)
    asked = args.get("member")
    # Another member's history is asked for by name, and the next page names them too.
    whose = None if asked is None else f"@{member.display_name}"
    found = await ctx.uow.ledger.history(member.id, page.offset, page.limit)
    moves, more = page.rows(found, command_line("voucher history", whose))
    if not moves:
        return Reply("voucher.history_empty", {"member": member.display_name}, private=True)
    lines = []
    for move in moves:
        key = f"history.{move.code}_{move.flag}_{move.direction}"
        if key not in MESSAGES:
            key = "history.move"
        shown: Any
        if move.flag == L.PENDING:
            shown = nested("voucher.history_held", hours=hours(move.amount))
        elif move.flag == L.VOID:
            shown = nested("voucher.history_released", hours=hours(move.amount))
        else:
            sign = {"in": "+", "out": "-"}.get(move.direction, "")
            shown = sign + hours(move.amount)
        lines.append(
            nested(
                "voucher.history_line",
                at=instant(move.at),
                amount=shown,
                issuer=move.issuer_name,
                what=nested(key, other=move.counterpart_name, code=move.code),
                memo=nested("voucher.history_memo", memo=move.memo) if move.memo else "",
            )
        )
    return Reply(
        "voucher.history",
        {
            "member": member.display_name,
            "lines": lines,
            **page_params(page, more, "voucher history", whose),
        },
        private=True,
    )


# Redemption: hours held while a request is open, retired when it is confirmed.


async def redeem(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    issuer: Member = args["issuer"]
    minutes = amount(args)
    service = bounded_text(args["service"], "service", 200)
    me = ctx.member.id
    if issuer.id == me:
        raise DomainError("redeem.own")
    held = await ctx.uow.ledger.find(L.holding_key(issuer.id, me))
    if held is None or held.balance <= 0:
        raise DomainError("redeem.none_held", issuer=issuer.display_name)
    ledger = book(ctx)
    source_key, target_key = L.holding_key(issuer.id, me), L.issuer_key(issuer.id)
    accounts = await ledger.accounts(source_key, target_key)
    hold = Transfer(
        ledger.next_id(),
        accounts[source_key].id,
        accounts[target_key].id,
        minutes,
        L.REDEEM,
        L.PENDING,
        memo=service,
    )
    await ledger.execute([hold])
    number = await ctx.uow.communities.next_number(ctx.community.id)
    await ctx.uow.ledger.add_redemption(
        ctx.community.id, number, me, issuer.id, minutes, service, hold.id, ctx.now
    )
    params = {
        "number": number,
        "holder": ctx.member.display_name,
        "issuer": issuer.display_name,
        "hours": hours(minutes),
        "service": service,
    }
    ctx.tell_member(issuer.id, Reply("redeem.asked", params))
    return Reply("redeem.requested", params, private=True)


async def _request(ctx: Ctx, number: int) -> Redemption:
    found = await ctx.uow.ledger.redemption(ctx.community.id, number, lock=True)
    if found is None:
        raise DomainError("redeem.unknown", number=number)
    return found


async def _settle_hold(ctx: Ctx, redemption: Redemption, flag: str) -> None:
    ledger = book(ctx)
    pending = (await ctx.uow.ledger.transfers([redemption.hold_id]))[redemption.hold_id]
    await ledger.execute([L.resolve(ledger.next_id(), pending, flag)])


async def _params(ctx: Ctx, redemption: Redemption) -> dict[str, Any]:
    names = await ctx.uow.ledger.names([redemption.holder_id, redemption.issuer_id])
    return {
        "number": redemption.number,
        "holder": names[redemption.holder_id],
        "issuer": names[redemption.issuer_id],
        "hours": hours(redemption.minutes),
        "service": redemption.service,
    }


async def _move(ctx: Ctx, args: Mapping[str, Any], action: str) -> Reply:
    redemption = await _request(ctx, args["request"])
    target = L.request_move(redemption, action, ctx.member.id)
    if action == "confirm":
        await _settle_hold(ctx, redemption, L.POST)
    elif action in ("cancel", "decline"):
        await _settle_hold(ctx, redemption, L.VOID)
    await ctx.uow.ledger.set_redemption(redemption.id, target, ctx.now)
    params = await _params(ctx, redemption)
    other = redemption.holder_id if ctx.member.id == redemption.issuer_id else redemption.issuer_id
    ctx.tell_member(other, Reply(f"redeem.{target}_notice", params))
    if action == "dispute":
        trustees = [
            t
            for t in await ctx.uow.ledger.trustees(ctx.community.id)
            if t not in (redemption.holder_id, redemption.issuer_id)
        ]
        for trustee in trustees:
            ctx.tell_member(trustee, Reply("redeem.dispute_for_trustee", params))
        if not trustees:
            return Reply("redeem.disputed_no_trustee", params, private=True)
    return Reply(f"redeem.{target}", params, private=True)


async def deliver(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return await _move(ctx, args, "deliver")


async def confirm(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return await _move(ctx, args, "confirm")


async def cancel(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return await _move(ctx, args, "cancel")


async def decline(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return await _move(ctx, args, "decline")


async def dispute(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return await _move(ctx, args, "dispute")


async def resolve(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    redemption = await _request(ctx, args["request"])
    if ctx.member.id in (redemption.holder_id, redemption.issuer_id):
        raise DomainError("redeem.resolve_party", number=redemption.number)
    if redemption.status != L.DISPUTED:
        raise DomainError(
            "redeem.not_disputed",
            number=redemption.number,
            status={"$key": f"redeem.status_{redemption.status}"},
        )
    delivered = args["outcome"] == "delivered"
    await _settle_hold(ctx, redemption, L.POST if delivered else L.VOID)
    status = L.CONFIRMED if delivered else L.REFUNDED
    await ctx.uow.ledger.set_redemption(redemption.id, status, ctx.now, resolved_by=ctx.member.id)
    params = {**await _params(ctx, redemption), "trustee": ctx.member.display_name}
    key = "redeem.resolved_delivered" if delivered else "redeem.resolved_refunded"
    for party in (redemption.holder_id, redemption.issuer_id):
        ctx.tell_member(party, Reply(key, params))
    return Reply(key, params)


async def requests(ctx: Ctx, _args: Mapping[str, Any]) -> Reply:
    found = await ctx.uow.ledger.open_redemptions(ctx.community.id, ctx.member.id)
    if not found:
        return Reply("redeem.list_empty", private=True)
    names = await ctx.uow.ledger.names([r.holder_id for r in found] + [r.issuer_id for r in found])
    lines = [
        nested(
            "redeem.list_line",
            number=r.number,
            holder=names[r.holder_id],
            issuer=names[r.issuer_id],
            hours=hours(r.minutes),
            service=r.service,
            status={"$key": f"redeem.status_{r.status}"},
        )
        for r in found
    ]
    return Reply("redeem.list", {"lines": lines}, private=True)


_HOURS = Arg("hours", Kind.DURATION, "hours in quarter-hour steps: 2, 1.5, 2h, 90m, 1h15m")
_REQUEST = Arg("request", Kind.NUMBER, "the request's number, like 12 or #12")


def _request_command(
    name: str, help_text: str, handler: Any, *, changes_badge_facts: bool = False
) -> Command:
    return Command(
        f"voucher {name}",
        (_REQUEST,),
        help_text,
        Who.MEMBER,
        handler,
        changes_badge_facts=changes_badge_facts,
    )


COMMANDS = [
    Command(
        "voucher issue",
        (
            Arg("to", Kind.MEMBER, "who receives your hours"),
            _HOURS,
            Arg("services", Kind.TEXT, 'what your hours buy, e.g. "tutoring, raking leaves"'),
            Arg("memo", Kind.REST, "a note for the receiver", required=False),
        ),
        "issue hours of your own time to a member, up to your cap",
        Who.MEMBER,
        issue,
        changes_badge_facts=False,
    ),
    Command(
        "voucher give",
        (
            Arg("to", Kind.MEMBER, "who receives them (their issuer retires them)"),
            Arg("issuer", Kind.MEMBER, "whose hours you give"),
            _HOURS,
        ),
        "give vouchers you hold to another member",
        Who.MEMBER,
        give,
        changes_badge_facts=False,
    ),
    Command(
        "voucher balance",
        (Arg("member", Kind.MEMBER, "whose balance (default: yours)", required=False),),
        "the vouchers you hold and your own hours outstanding",
        Who.MEMBER,
        balance,
        changes=False,
    ),
    Command(
        "voucher history",
        (
            Arg("member", Kind.MEMBER, "whose history (admins and trustees)", required=False),
            page_arg("which page, counting back from the latest (default: 1)"),
        ),
        "your latest voucher movements",
        Who.MEMBER,
        history,
        changes=False,
    ),
    Command(
        "voucher redeem",
        (
            Arg("issuer", Kind.MEMBER, "whose hours you redeem"),
            _HOURS,
            Arg("service", Kind.REST, "what you ask them for"),
        ),
        "ask an issuer for hours of service; the hours are held meanwhile",
        Who.MEMBER,
        redeem,
        changes_badge_facts=False,
    ),
    _request_command("deliver", "mark a request you were asked for as delivered", deliver),
    # Confirming counts the hours as delivered: a badge criterion.
    _request_command(
        "confirm",
        "confirm a delivered request; its hours are retired",
        confirm,
        changes_badge_facts=True,
    ),
    _request_command("cancel", "withdraw your request before it is delivered", cancel),
    _request_command("decline", "decline a request for your hours", decline),
    _request_command("dispute", "ask a trustee to settle a delivered request", dispute),
    Command(
        "voucher resolve",
        (
            _REQUEST,
            Arg(
                "outcome",
                Kind.CHOICE,
                "delivered retires the hours, refund returns them",
                choices=("delivered", "refund"),
            ),
        ),
        "settle a disputed request",
        Who.TRUSTEE,
        resolve,
    ),
    Command(
        "voucher requests",
        (),
        "your open redemption requests, made or received",
        Who.MEMBER,
        requests,
        changes=False,
    ),
]
