"""A stateful property test of the whole ledger against a plain-Python model.

Members issue, give, redeem (deliver, confirm, cancel, decline, dispute,
resolve), make learning agreements that put bundles in escrow, get assessed,
let escrows expire, open auctions, bid, settle and withdraw, and replay old
command keys, all through the commands members type. The model predicts
whether each command succeeds and what it moves. After every step the
database must agree with the model, every currency must balance, every
cached total must equal the sum of its transfers, and no holding may be
below zero counting what is held.

Each example is a fresh community in one database per engine, so the suite
stays quick on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from adapters.app import App
from bot.model.ledger import cap
from storage.repositories.ledger import check_ledger
from storage.tables import communities as communities_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t
from tests.support import Community, Said, app_on

T = TypeVar("T")

MEMBERS = ["m0", "m1", "m2", "m3"]
JUDGE = "judge"  # the community's admin: assesses and resolves disputes, never trades
AMOUNTS = [15, 30, 45, 60, 90, 120, 180, 300, 600]
BASE, MOST, INCREMENT, EXTENSION = 600, 2400, 100, timedelta(minutes=5)
ESCROW_DAYS = 3
SPANS = {"4m": timedelta(minutes=4), "1h": timedelta(hours=1), "1d": timedelta(days=1),
         "3d": timedelta(days=3)}  # fmt: skip
LIVE = ("open", "delivered", "disputed")


@dataclass
class Request:
    holder: str
    issuer: str
    minutes: int
    status: str = "open"


@dataclass
class Agreement:
    provider: str
    minutes: int
    accepted_at: datetime
    # learner -> (paying currency, status)
    bundles: dict[str, list[str]] = field(default_factory=dict)
    status: str = "accepted"


@dataclass
class Auction:
    seller: str
    issuer: str
    minutes: int
    reserve: int
    ends: datetime
    status: str = "open"
    best: tuple[str, int] | None = None


class LedgerMachine(RuleBasedStateMachine):
    app: ClassVar[App]
    loop: ClassVar[asyncio.AbstractEventLoop]
    examples: ClassVar[itertools.count[int]] = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.slug = f"model-{next(self.examples)}"
        self.community = Community(self.app.core, self.slug)
        self.keys = itertools.count()
        self.hold: defaultdict[tuple[str, str], int] = defaultdict(int)  # (issuer, holder)
        self.reserved: defaultdict[tuple[str, str], int] = defaultdict(int)
        self.out: defaultdict[str, int] = defaultdict(int)
        self.delivered: defaultdict[str, int] = defaultdict(int)
        self.requests: dict[int, Request] = {}
        self.agreements: dict[int, Agreement] = {}
        self.auctions: dict[int, Auction] = {}
        self.done: list[tuple[str, str, str, str]] = []
        self.ids: dict[int, str] = {}
        self.community_id = 0

    # Plumbing.

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def say(self, who: str, line: str) -> Said:
        key = f"{self.slug}:{next(self.keys)}"
        said = self.run(self.community.say(who, line, key=key))
        assert not said.key.startswith(("input.", "error.")), (line, said.text)
        self.done.append((who, line, key, said.text))
        return said

    def expect(self, said: Said, ok: bool, success: str, refusals: tuple[str, ...]) -> None:
        if ok:
            assert said.key == success, (said.text, success)
        else:
            assert said.key in refusals, (said.text, refusals)

    @property
    def now(self) -> datetime:
        return self.app.clock.now()

    def cap(self, member: str) -> int:
        return cap(self.delivered[member], BASE, MOST)

    def free(self, issuer: str, holder: str) -> int:
        return self.hold[(issuer, holder)] - self.reserved[(issuer, holder)]

    def receive(self, issuer: str, member: str, minutes: int) -> None:
        if member == issuer:
            self.out[issuer] -= minutes
        else:
            self.hold[(issuer, member)] += minutes

    @initialize()
    def setup(self) -> None:
        self.say(JUDGE, f"!admin settings escrow_days {ESCROW_DAYS}")
        for member in MEMBERS:
            self.say(member, "!provider register skill 1")
        # Everyone starts holding someone's hours, so every example has something to move.
        for index, issuer in enumerate(MEMBERS):
            holder = MEMBERS[(index + 1) % len(MEMBERS)]
            said = self.say(issuer, f"!voucher issue @{holder} 3 help")
            assert said.key == "voucher.issued", said.text
            self.out[issuer] += 180
            self.hold[(issuer, holder)] += 180

        async def ids() -> tuple[int, dict[int, str]]:
            async with self.app.engine.connect() as conn:
                community = (
                    await conn.execute(
                        select(communities_t.communities.c.id).where(
                            communities_t.communities.c.slug == self.slug
                        )
                    )
                ).scalar_one()
                rows = await conn.execute(
                    select(members_t.members.c.id, members_t.members.c.display_name).where(
                        members_t.members.c.community_id == community
                    )
                )
                return int(community), {r.id: r.display_name for r in rows}

        self.community_id, self.ids = self.run(ids())

    # Vouchers.

    @rule(
        issuer=st.sampled_from(MEMBERS),
        holder=st.sampled_from(MEMBERS),
        minutes=st.sampled_from(AMOUNTS),
    )
    def issue(self, issuer: str, holder: str, minutes: int) -> None:
        ok = issuer != holder and self.out[issuer] + minutes <= self.cap(issuer)
        said = self.say(issuer, f"!voucher issue @{holder} {minutes}m help")
        self.expect(said, ok, "voucher.issued", ("voucher.issue_self", "voucher.over_cap"))
        if ok:
            self.out[issuer] += minutes
            self.hold[(issuer, holder)] += minutes

    def _held(self) -> list[tuple[str, str]]:
        return sorted(k for k, v in self.hold.items() if v - self.reserved[k] > 0)

    def _spend(self, data: st.DataObject) -> tuple[str, str, int]:
        """(issuer, holder, minutes): mostly what somebody really holds, sometimes anything,
        so that refusals are exercised as well as movements."""
        held = self._held()
        if held and data.draw(st.integers(0, 3)):
            issuer, holder = data.draw(st.sampled_from(held))
        else:
            issuer, holder = (
                data.draw(st.sampled_from(MEMBERS)),
                data.draw(st.sampled_from(MEMBERS)),
            )
        fitting = [a for a in AMOUNTS if a <= self.free(issuer, holder)]
        if fitting and data.draw(st.integers(0, 3)):
            return issuer, holder, data.draw(st.sampled_from(fitting))
        return issuer, holder, data.draw(st.sampled_from(AMOUNTS))

    @rule(data=st.data(), to=st.sampled_from(MEMBERS))
    def give(self, data: st.DataObject, to: str) -> None:
        issuer, giver, minutes = self._spend(data)
        said = self.say(giver, f"!voucher give @{to} @{issuer} {minutes}m")
        if to == giver:
            assert said.key == "voucher.give_self"
        elif issuer == giver:
            assert said.key == "voucher.give_own"
        elif self.hold[(issuer, giver)] <= 0:
            assert said.key == "voucher.none_held"
        elif self.free(issuer, giver) < minutes:
            assert said.key == "voucher.not_enough"
        else:
            assert said.key in ("voucher.given", "voucher.returned"), said.text
            self.hold[(issuer, giver)] -= minutes
            self.receive(issuer, to, minutes)

    # Redemption.

    @rule(data=st.data())
    def redeem(self, data: st.DataObject) -> None:
        issuer, holder, minutes = self._spend(data)
        said = self.say(holder, f"!voucher redeem @{issuer} {minutes}m a favour")
        if issuer == holder:
            assert said.key == "redeem.own"
        elif self.hold[(issuer, holder)] <= 0:
            assert said.key == "redeem.none_held"
        elif self.free(issuer, holder) < minutes:
            assert said.key == "voucher.not_enough"
        else:
            assert said.key == "redeem.requested", said.text
            self.reserved[(issuer, holder)] += minutes
            self.requests[int(said.outcome.reply.params["number"])] = Request(
                holder, issuer, minutes
            )

    @precondition(lambda self: self.requests)
    @rule(
        data=st.data(),
        action=st.sampled_from(
            ["deliver", "confirm", "cancel", "decline", "dispute", "delivered", "refund"]
        ),
        who=st.sampled_from(["holder", "issuer", "judge", "other"]),
    )
    def answer(self, data: st.DataObject, action: str, who: str) -> None:
        live = sorted(n for n, r in self.requests.items() if r.status in LIVE)
        self._answer(data.draw(st.sampled_from(live or sorted(self.requests))), action, who)

    @precondition(lambda self: any(r.status in LIVE for r in self.requests.values()))
    @rule(data=st.data())
    def progress_request(self, data: st.DataObject) -> None:
        """The next step a real request would take, by the member who would take it."""
        live = sorted(n for n, r in self.requests.items() if r.status in LIVE)
        number = data.draw(st.sampled_from(live))
        action, who = data.draw(
            st.sampled_from(
                {
                    "open": [("deliver", "issuer"), ("cancel", "holder"), ("decline", "issuer")],
                    "delivered": [("confirm", "holder"), ("dispute", "issuer")],
                    "disputed": [("delivered", "judge"), ("refund", "judge")],
                }[self.requests[number].status]
            )
        )
        self._answer(number, action, who)

    def _answer(self, number: int, action: str, who: str) -> None:
        request = self.requests[number]
        other = next(m for m in MEMBERS if m not in (request.holder, request.issuer))
        speaker = {"holder": request.holder, "issuer": request.issuer, "judge": JUDGE}.get(
            who, other
        )
        if action in ("delivered", "refund"):
            said = self.say(speaker, f"!voucher resolve {number} {action}")
            if speaker != JUDGE:
                assert said.key == "command.forbidden"
            elif request.status != "disputed":
                assert said.key == "redeem.not_disputed"
            else:
                outcome = "delivered" if action == "delivered" else "refunded"
                assert said.key == f"redeem.resolved_{outcome}"
                self._finish(request, confirmed=action == "delivered")
            return
        said = self.say(speaker, f"!voucher {action} {number}")
        party, states, target = {
            "deliver": ("issuer", ("open",), "delivered"),
            "confirm": ("holder", ("delivered",), "confirmed"),
            "cancel": ("holder", ("open",), "cancelled"),
            "decline": ("issuer", ("open",), "declined"),
            "dispute": ("either", ("delivered",), "disputed"),
        }[action]
        allowed = {"holder": (request.holder,), "issuer": (request.issuer,)}.get(
            party, (request.holder, request.issuer)
        )
        if speaker not in allowed:
            assert said.key == f"redeem.not_{party}"
        elif request.status not in states:
            assert said.key == f"redeem.cannot_{action}"
        else:
            # Nobody is a trustee here, so a dispute is handed to the admin.
            success = "redeem.disputed_no_trustee" if action == "dispute" else f"redeem.{target}"
            assert said.key == success, said.text
            if target in ("confirmed", "cancelled", "declined"):
                self._finish(request, confirmed=target == "confirmed")
            else:
                request.status = target

    def _finish(self, request: Request, *, confirmed: bool) -> None:
        key = (request.issuer, request.holder)
        self.reserved[key] -= request.minutes
        if confirmed:
            self.hold[key] -= request.minutes
            self.out[request.issuer] -= request.minutes
            self.delivered[request.issuer] += request.minutes
        request.status = "confirmed" if confirmed else "refunded"

    # Agreements.

    def _affordable(self, learner: str, source: str, minutes: int) -> bool:
        if source == learner:
            return self.out[learner] + minutes <= self.cap(learner)
        return self.hold[(source, learner)] > 0 and self.free(source, learner) >= minutes

    @rule(
        proposer=st.sampled_from(MEMBERS),
        provider=st.sampled_from(MEMBERS),
        others=st.lists(st.sampled_from(MEMBERS), max_size=3, unique=True),
        minutes=st.sampled_from(AMOUNTS),
        source=st.sampled_from([None, *MEMBERS]),
    )
    def agreement(
        self, proposer: str, provider: str, others: list[str], minutes: int, source: str | None
    ) -> None:
        others = [m for m in others if m != proposer]
        learners_text = " ".join(f"@{m}" for m in others) or "me"
        paying = source or proposer
        line = f'!agreement propose @{provider} skill "{learners_text}" {minutes}m'
        said = self.say(proposer, line + (f" from:@{source}" if source else ""))
        if provider == proposer:
            assert said.key == "agreement.self_provider"
            return
        if provider in others:
            assert said.key == "agreement.provider_learner"
            return
        if not self._affordable(proposer, paying, minutes):
            assert said.key in ("voucher.over_cap", "voucher.none_held", "voucher.not_enough")
            return
        assert said.key == "agreement.proposed", said.text
        number = int(said.outcome.reply.params["number"])
        sources = {proposer: paying}
        for learner in others:
            joined = self.say(learner, f"!agreement join {number}")
            if self._affordable(learner, learner, minutes):
                assert joined.key == "agreement.joined", joined.text
                sources[learner] = learner
            else:
                assert joined.key == "voucher.over_cap"
        accepted = self.say(provider, f"!agreement accept {number}")
        if len(sources) <= len(others):
            assert accepted.key == "agreement.not_ready"
            return
        # All or none: each bundle must fit when the provider accepts.
        if not all(self._affordable(m, s, minutes) for m, s in sources.items()):
            assert accepted.key in ("voucher.over_cap_other", "voucher.not_enough_other")
            return
        assert accepted.key == "agreement.accepted", accepted.text
        deal = Agreement(provider, minutes, self.now)
        for learner, paid in sources.items():
            if paid == learner:
                self.out[learner] += minutes
            else:
                self.hold[(paid, learner)] -= minutes
            deal.bundles[learner] = [paid, "escrowed"]
        self.agreements[number] = deal

    @precondition(lambda self: self.agreements)
    @rule(data=st.data(), passed=st.booleans())
    def assess(self, data: st.DataObject, passed: bool) -> None:
        number = data.draw(st.sampled_from(sorted(self.agreements)))
        self._assess(number, data.draw(st.sampled_from(MEMBERS)), passed)

    def _escrowed(self) -> list[tuple[int, str]]:
        return [
            (n, learner)
            for n, deal in sorted(self.agreements.items())
            for learner, (_, status) in deal.bundles.items()
            if status == "escrowed"
        ]

    @precondition(lambda self: self._escrowed())
    @rule(data=st.data(), passed=st.booleans())
    def assess_escrowed(self, data: st.DataObject, passed: bool) -> None:
        number, learner = data.draw(st.sampled_from(self._escrowed()))
        self._assess(number, learner, passed)

    def _assess(self, number: int, learner: str, passed: bool) -> None:
        deal = self.agreements[number]
        said = self.say(JUDGE, f"!assess {number} @{learner} {'pass' if passed else 'fail'} seen")
        if deal.status != "accepted":
            assert said.key == "assess.not_accepted"
        elif learner not in deal.bundles:
            assert said.key == "assess.not_learner"
        elif deal.bundles[learner][1] != "escrowed":
            assert said.key == "assess.already"
        else:
            assert said.key == ("assess.passed" if passed else "assess.failed"), said.text
            paid = deal.bundles[learner][0]
            # A pass pays the provider; a fail pays back whoever paid.
            self.receive(paid, deal.provider if passed else learner, deal.minutes)
            deal.bundles[learner][1] = "passed" if passed else "failed"
            if all(b[1] != "escrowed" for b in deal.bundles.values()):
                deal.status = "completed"

    # Time: escrows expire, auctions end.

    @rule(span=st.sampled_from(sorted(SPANS)))
    def advance(self, span: str) -> None:
        self.app.clock.advance(SPANS[span])
        self.run(self.app.core.run_due())
        now = self.now
        for deal in self.agreements.values():
            if deal.status == "accepted" and deal.accepted_at + timedelta(ESCROW_DAYS) <= now:
                for learner, bundle in deal.bundles.items():
                    if bundle[1] == "escrowed":
                        self.receive(bundle[0], learner, deal.minutes)
                        bundle[1] = "expired"
                deal.status = "completed"
        for auction in self.auctions.values():
            if auction.status == "open" and auction.ends <= now:
                if auction.best is not None and auction.best[1] >= auction.reserve:
                    auction.status = "won"
                else:
                    auction.status = "unsold"
                    self.reserved[(auction.issuer, auction.seller)] -= auction.minutes

    # Auctions.

    @rule(
        data=st.data(),
        reserve=st.sampled_from([0, 5, 10]),
        length=st.sampled_from([timedelta(minutes=8), timedelta(hours=2), timedelta(days=1)]),
    )
    def auction_open(self, data: st.DataObject, reserve: int, length: timedelta) -> None:
        issuer, seller, minutes = self._spend(data)
        ends = self.now + length
        said = self.say(
            seller, f'!auction open @{issuer} {minutes}m {reserve} GBP "{ends:%Y-%m-%d %H:%M}"'
        )
        if issuer == seller:
            assert said.key == "auction.own_hours"
        elif self.hold[(issuer, seller)] <= 0:
            assert said.key == "voucher.none_held"
        elif self.free(issuer, seller) < minutes:
            assert said.key == "voucher.not_enough"
        else:
            assert said.key == "auction.opened", said.text
            self.reserved[(issuer, seller)] += minutes
            number = int(said.outcome.reply.params["number"])
            self.auctions[number] = Auction(seller, issuer, minutes, reserve * 100, ends)
            # A lot usually draws a bid or two straight away.
            for bidder in data.draw(st.lists(st.sampled_from(MEMBERS), max_size=3)):
                self._bid(number, bidder, data.draw(st.integers(1, 15)))

    @precondition(lambda self: self.auctions)
    @rule(data=st.data(), bidder=st.sampled_from(MEMBERS), pounds=st.integers(1, 15))
    def bid(self, data: st.DataObject, bidder: str, pounds: int) -> None:
        running = sorted(n for n, a in self.auctions.items() if a.status == "open")
        self._bid(data.draw(st.sampled_from(running or sorted(self.auctions))), bidder, pounds)

    def _bid(self, number: int, bidder: str, pounds: int) -> None:
        auction = self.auctions[number]
        amount = pounds * 100
        said = self.say(bidder, f"!auction bid {number} {pounds}")
        minimum = 1 if auction.best is None else auction.best[1] + INCREMENT
        if auction.status != "open" or self.now >= auction.ends:
            assert said.key == "auction.ended"
        elif bidder == auction.seller:
            assert said.key == "auction.own"
        elif auction.best is not None and auction.best[0] == bidder:
            assert said.key == "auction.already_best"
        elif amount < minimum:
            assert said.key == "auction.too_low"
        else:
            assert said.key == "auction.bid", said.text
            auction.best = (bidder, amount)
            if auction.ends - self.now < EXTENSION:
                auction.ends += EXTENSION

    @precondition(lambda self: self.auctions)
    @rule(data=st.data(), by_seller=st.booleans(), withdraw=st.booleans())
    def close_auction(self, data: st.DataObject, by_seller: bool, withdraw: bool) -> None:
        self._close(data.draw(st.sampled_from(sorted(self.auctions))), by_seller, withdraw)

    @precondition(lambda self: any(a.status == "won" for a in self.auctions.values()))
    @rule(data=st.data(), paid=st.booleans())
    def close_won(self, data: st.DataObject, paid: bool) -> None:
        """The seller of a won auction settles it, or takes the lot back unpaid."""
        won = sorted(n for n, a in self.auctions.items() if a.status == "won")
        self._close(data.draw(st.sampled_from(won)), True, not paid)

    def _close(self, number: int, by_seller: bool, withdraw: bool) -> None:
        auction = self.auctions[number]
        who = auction.seller if by_seller else next(m for m in MEMBERS if m != auction.seller)
        said = self.say(who, f"!auction {'withdraw' if withdraw else 'settle'} {number}")
        key = (auction.issuer, auction.seller)
        if not by_seller:
            assert said.key == "auction.not_seller"
        elif withdraw:
            if auction.status == "won" or (auction.status == "open" and auction.best is None):
                assert said.key == "auction.withdrawn", said.text
                self.reserved[key] -= auction.minutes
                auction.status = "unsold"
            else:
                assert said.key == "auction.cannot_withdraw"
        elif auction.status != "won":
            assert said.key == f"auction.cannot_settle_{auction.status}"
        else:
            assert said.key == "auction.settled", said.text
            assert auction.best is not None
            self.reserved[key] -= auction.minutes
            self.hold[key] -= auction.minutes
            self.receive(auction.issuer, auction.best[0], auction.minutes)
            auction.status = "settled"

    # Replays.

    @precondition(lambda self: self.done)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        who, line, key, text = data.draw(st.sampled_from(self.done))
        said = self.run(self.community.say(who, line, key=key))
        assert said.outcome.replayed, (line, said.text)
        assert said.text == text

    # What must always hold.

    @invariant()
    def books_agree_with_the_model(self) -> None:
        if not self.community_id:
            return
        problems, rows = self.run(self._books())
        assert problems == [], problems
        seen_escrow: defaultdict[tuple[str, str], int] = defaultdict(int)
        seen_lots: defaultdict[tuple[str, str], int] = defaultdict(int)
        for row in rows:
            issuer, owner = self.ids[row.issuer_id], self.ids[row.owner_id]
            balance = row.credits_posted - row.debits_posted
            if row.kind == "holding":
                assert balance == self.hold[(issuer, owner)], (issuer, owner)
                assert row.debits_pending == self.reserved[(issuer, owner)], (issuer, owner)
                assert row.debits_posted + row.debits_pending <= row.credits_posted
            elif row.kind == "issuer":
                assert -balance == self.out[issuer], issuer
                live = sum(
                    r.minutes
                    for r in self.requests.values()
                    if r.issuer == issuer and r.status in LIVE
                )
                assert row.credits_pending == live, issuer
            elif row.kind == "escrow":
                seen_escrow[(issuer, owner)] += balance
            else:
                assert row.kind == "lot" and balance == 0  # a sold lot passes straight on
                seen_lots[(issuer, owner)] += row.credits_pending
        expected_escrow: defaultdict[tuple[str, str], int] = defaultdict(int)
        for deal in self.agreements.values():
            for learner, (paid, status) in deal.bundles.items():
                if status == "escrowed":
                    expected_escrow[(paid, learner)] += deal.minutes
        assert {k: v for k, v in seen_escrow.items() if v} == dict(expected_escrow)
        expected_lots: defaultdict[tuple[str, str], int] = defaultdict(int)
        for auction in self.auctions.values():
            if auction.status in ("open", "won"):
                expected_lots[(auction.issuer, auction.seller)] += auction.minutes
        assert {k: v for k, v in seen_lots.items() if v} == dict(expected_lots)
        # The model never lets anything go below zero either.
        assert all(v >= 0 for v in self.hold.values())
        assert all(self.hold[k] >= v >= 0 for k, v in self.reserved.items())
        assert all(0 <= v <= self.cap(m) for m, v in self.out.items())

    async def _books(self) -> tuple[list[str], list[Any]]:
        async with self.app.engine.connect() as conn:
            problems = await check_ledger(conn, self.community_id)
            rows = (
                await conn.execute(
                    select(ledger_t.accounts).where(
                        ledger_t.accounts.c.community_id == self.community_id
                    )
                )
            ).all()
        return problems, list(rows)


def test_the_ledger_agrees_with_a_plain_model(engine_name: str, tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    context = app_on(engine_name, tmp_path)
    try:
        LedgerMachine.app = loop.run_until_complete(context.__aenter__())
        LedgerMachine.loop = loop
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                max_examples=30,
                stateful_step_count=50,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            ),
        )
    finally:
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()
