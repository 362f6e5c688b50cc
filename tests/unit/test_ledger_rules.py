"""The ledger's rules without a database: amounts, the cap, transfers, the check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import DomainError
from bot.model import ledger as L
from bot.model.ledger import Account, Invalid, Overdrawn, Sums, Transfer


def accounts() -> dict[int, Account]:
    """Alice's currency (member 1): her issuer account, bob's and carol's holdings."""
    return {
        1: Account(1, 1, 1, L.ISSUER, 1),
        2: Account(2, 1, 1, L.HOLDING, 2),
        3: Account(3, 1, 1, L.HOLDING, 3),
        9: Account(9, 1, 9, L.HOLDING, 2),  # another currency
    }


@pytest.mark.parametrize(
    ("minutes", "key"),
    [
        (0, "voucher.amount_positive"),
        (-60, "voucher.amount_positive"),
        (20, "voucher.amount_step"),
        (61, "voucher.amount_step"),
        (1000 * 60 + 15, "voucher.amount_absurd"),
        (10**12, "voucher.amount_absurd"),
    ],
)
def test_bad_amounts_are_refused(minutes: int, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        L.check_amount(minutes)
    assert refused.value.code == key


def test_a_step_refusal_suggests_the_nearest_amounts() -> None:
    with pytest.raises(DomainError) as refused:
        L.check_amount(70)
    assert refused.value.params["lower"] == "1h" and refused.value.params["higher"] == "1h15m"
    with pytest.raises(DomainError) as refused:
        L.check_amount(5)
    assert refused.value.params["lower"] == "15m"


@pytest.mark.parametrize("minutes", [15, 60, 90, 1000 * 60])
def test_good_amounts_pass(minutes: int) -> None:
    assert L.check_amount(minutes) == minutes


def test_the_cap_is_ten_hours_plus_delivered_at_most_forty() -> None:
    assert L.cap(0, 600, 2400) == 600
    assert L.cap(300, 600, 2400) == 900
    assert L.cap(1800, 600, 2400) == 2400
    assert L.cap(5000, 600, 2400) == 2400


def test_transfer_ids_come_from_the_key_and_index() -> None:
    one = L.transfer_id(1, "discord:42", 0)
    assert one == L.transfer_id(1, "discord:42", 0)
    assert len(one) == 32
    assert len({one, L.transfer_id(1, "discord:42", 1), L.transfer_id(2, "discord:42", 0)}) == 3
    assert L.transfer_id(1, "a\x1f1", 0) != L.transfer_id(1, "a", 10)


def test_issue_then_give_moves_totals_on_both_sides() -> None:
    batch = [
        Transfer("t1", 1, 2, 120, L.ISSUE),
        Transfer("t2", 2, 3, 60, L.GIVE),
    ]
    changed = L.apply(accounts(), batch, {}, limits={1: 600})
    assert changed[1].outstanding == 120
    assert changed[2].balance == 60 and changed[3].balance == 60
    assert set(changed) == {1, 2, 3}


def test_a_pending_transfer_reserves_until_posted_exactly_once() -> None:
    start = accounts()
    start[2].credits_posted = 120
    start[1].debits_posted = 120
    hold = Transfer("h", 2, 1, 60, L.REDEEM, L.PENDING)
    held = L.apply(start, [hold], {})
    assert held[2].available == 60 and held[2].balance == 120
    start.update(held)
    post = L.resolve("p", hold, L.POST)
    posted = L.apply(start, [post], {"h": hold})
    assert posted[2].balance == 60 and posted[2].debits_pending == 0
    assert posted[1].outstanding == 60
    with pytest.raises(Invalid):
        L.apply(start, [post], {"h": hold}, resolved={"h"})
    with pytest.raises(Invalid):  # posting and voiding in one batch
        L.apply(start, [post, L.resolve("v", hold, L.VOID)], {"h": hold})


def test_a_void_releases_the_hold_and_moves_nothing() -> None:
    start = accounts()
    start[2].credits_posted = 120
    hold = Transfer("h", 2, 3, 60, L.LOT_HOLD, L.PENDING)
    start.update(L.apply(start, [hold], {}))
    voided = L.apply(start, [L.resolve("v", hold, L.VOID)], {"h": hold})
    assert voided[2].totals() == (0, 0, 0, 120)
    assert voided[3].totals() == (0, 0, 0, 0)


def test_holds_count_against_what_is_available() -> None:
    start = accounts()
    start[2].credits_posted = 60
    start.update(L.apply(start, [Transfer("h", 2, 1, 45, L.REDEEM, L.PENDING)], {}))
    with pytest.raises(Overdrawn) as over:
        L.apply(start, [Transfer("g", 2, 3, 30, L.GIVE)], {})
    assert over.value.account.id == 2
    assert L.apply(start, [Transfer("g", 2, 3, 15, L.GIVE)], {})[2].available == 0


def test_a_batch_applies_all_or_nothing() -> None:
    start = accounts()
    start[2].credits_posted = 60
    before = {i: a.totals() for i, a in start.items()}
    batch = [Transfer("a", 2, 3, 30, L.GIVE), Transfer("b", 2, 3, 45, L.GIVE)]
    with pytest.raises(Overdrawn):
        L.apply(start, batch, {})
    assert {i: a.totals() for i, a in start.items()} == before


def test_an_issuer_may_go_below_zero_only_within_the_cap() -> None:
    start = accounts()
    assert L.apply(start, [Transfer("a", 1, 2, 600, L.ISSUE)], {}, limits={1: 600})
    with pytest.raises(Overdrawn) as over:
        L.apply(start, [Transfer("a", 1, 2, 615, L.ISSUE)], {}, limits={1: 600})
    assert over.value.limit == 600
    with pytest.raises(Invalid):  # a debit of an issuer needs its cap
        L.apply(start, [Transfer("a", 1, 2, 15, L.ISSUE)], {})


@pytest.mark.parametrize(
    "transfer",
    [
        Transfer("x", 2, 9, 15, L.GIVE),  # two currencies
        Transfer("x", 2, 2, 15, L.GIVE),  # one account
        Transfer("x", 2, 4, 15, L.GIVE),  # not loaded
        Transfer("x", 2, 3, 0, L.GIVE),
        Transfer("x", 2, 3, 15, "gift"),
        Transfer("x", 2, 3, 15, L.GIVE, L.POST, "nope"),
        Transfer("x", 2, 3, 15, L.GIVE, L.POSTED, "nope"),
    ],
)
def test_malformed_transfers_are_bugs(transfer: Transfer) -> None:
    start = accounts()
    start[2].credits_posted = 60
    with pytest.raises(Invalid):
        L.apply(start, [transfer], {})


def test_a_resolving_transfer_must_match_its_pending_one() -> None:
    start = accounts()
    start[2].credits_posted = 60
    hold = Transfer("h", 2, 1, 30, L.REDEEM, L.PENDING)
    start.update(L.apply(start, [hold], {}))
    wrong = Transfer("p", 2, 1, 15, L.REDEEM, L.POST, "h")
    with pytest.raises(Invalid):
        L.apply(start, [wrong], {"h": hold})


def test_the_check_is_clean_for_a_sound_ledger_and_names_each_fault() -> None:
    start = accounts()
    start.update(L.apply(start, [Transfer("a", 1, 2, 120, L.ISSUE)], {}, limits={1: 600}))
    sums = {1: Sums(0, 120, 0, 0), 2: Sums(0, 0, 0, 120)}
    assert L.differences(start.values(), sums) == []
    start[2].credits_posted = 135  # a cached total that drifted
    found = L.differences(start.values(), sums)
    assert any("caches" in f for f in found)
    assert any("does not balance" in f for f in found)
    start[2].credits_posted = 120
    start[3].debits_posted = 15
    start[1].credits_posted = 15
    found = L.differences(start.values(), {**sums, 3: Sums(0, 15, 0, 0), 1: Sums(0, 120, 0, 15)})
    assert any("below zero" in f for f in found)
    assert L.differences([], {}, ["orphan"]) == ["orphan"]


_moves = st.lists(
    st.tuples(
        st.sampled_from([1, 2, 3]),
        st.sampled_from([1, 2, 3]),
        st.integers(1, 40).map(lambda n: n * 15),
        st.sampled_from([L.POSTED, L.PENDING]),
    ),
    max_size=30,
)


@given(_moves)
def test_any_accepted_transfers_keep_the_currency_balanced_and_holdings_whole(
    moves: list[tuple[int, int, int, str]],
) -> None:
    book = accounts()
    for index, (debit, credit, amount, flag) in enumerate(moves):
        if debit == credit:
            continue
        try:
            book.update(
                L.apply(
                    book,
                    [Transfer(f"t{index}", debit, credit, amount, L.GIVE, flag)],
                    {},
                    limits={1: 600},
                )
            )
        except Overdrawn:
            continue
    alice = [a for a in book.values() if a.issuer_id == 1]
    assert sum(a.balance for a in alice) == 0
    assert sum(a.credits_pending - a.debits_pending for a in alice) == 0
    for account in alice:
        if account.kind != L.ISSUER:
            assert account.debits_posted + account.debits_pending <= account.credits_posted
        else:
            assert account.debits_posted + account.debits_pending - account.credits_posted <= 600


def test_every_message_key_built_at_run_time_has_wording() -> None:
    from bot.model import agreements as ag
    from bot.model import auctions as au
    from bot.wording import MESSAGES

    parties = ("issuer", "holder", "either")
    actions = ("deliver", "confirm", "cancel", "decline", "dispute")
    statuses = (L.OPEN, L.DELIVERED, L.CONFIRMED, L.CANCELLED, L.DECLINED, L.DISPUTED, L.REFUNDED)
    targets = (L.DELIVERED, L.CONFIRMED, L.CANCELLED, L.DECLINED, L.DISPUTED)
    bundles = (ag.INVITED, ag.READY, ag.ESCROWED, ag.PASSED, ag.FAILED, ag.EXPIRED)
    keys = [
        *(f"redeem.not_{p}" for p in parties),
        *(f"redeem.cannot_{a}" for a in actions),
        *(f"redeem.status_{s}" for s in statuses),
        *(f"redeem.{t}" for t in targets),
        *(f"redeem.{t}_notice" for t in targets),
        *(f"agreement.status_{s}" for s in (ag.PROPOSED, ag.ACCEPTED, ag.DECLINED, ag.COMPLETED)),
        *(f"agreement.bundle_{b}" for b in bundles),
        *(f"auction.status_{s}" for s in (au.OPEN, au.WON, au.UNSOLD, au.SETTLED)),
        *(f"auction.cannot_settle_{s}" for s in (au.OPEN, au.UNSOLD, au.SETTLED)),
        *(f"assess.{r}_{who}" for r in ("passed", "failed") for who in ("learner", "provider")),
    ]
    assert [k for k in keys if k not in MESSAGES] == []


def test_a_request_moves_only_by_the_right_party_from_the_right_state() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 1, tzinfo=UTC)
    request = L.Redemption(
        1, 1, 7, holder_id=2, issuer_id=3, minutes=60, service="x", status=L.OPEN,
        hold_id="h", requested_at=now, updated_at=now,
    )  # fmt: skip
    assert L.request_move(request, "deliver", 3) == L.DELIVERED
    assert L.request_move(request, "cancel", 2) == L.CANCELLED
    for action, member, key in [
        ("deliver", 2, "redeem.not_issuer"),
        ("confirm", 3, "redeem.not_holder"),
        ("dispute", 9, "redeem.not_either"),
        ("confirm", 2, "redeem.cannot_confirm"),
        ("dispute", 2, "redeem.cannot_dispute"),
    ]:
        with pytest.raises(DomainError) as refused:
            L.request_move(request, action, member)
        assert refused.value.code == key


def test_money_is_typed_in_major_units_and_kept_in_minor_ones() -> None:
    from bot.model import auctions as au

    assert au.parse_money("12.50", "GBP") == 1250
    assert au.parse_money("12,5", "EUR") == 1250
    assert au.parse_money("GBP 3", "GBP") == 300
    assert au.parse_money("1500", "JPY") == 1500
    assert au.parse_money("1.234", "KWD") == 1234
    assert au.parse_money("0", "GBP", allow_zero=True) == 0
    assert au.format_money(1250, "GBP") == "GBP 12.50"
    assert au.format_money(1500, "JPY") == "JPY 1500"
    assert au.currency_code(" usd ") == "USD"
    for text, currency, key in [
        ("0", "GBP", "money.positive"),
        ("-1", "GBP", "money.amount"),
        ("1.5", "JPY", "money.decimals"),
        ("1.505", "GBP", "money.decimals"),
        ("ten", "GBP", "money.amount"),
        ("2000000000", "GBP", "money.absurd"),
    ]:
        with pytest.raises(DomainError) as refused:
            au.parse_money(text, currency)
        assert refused.value.code == key
    with pytest.raises(DomainError):
        au.currency_code("pounds")


def test_a_late_bid_extends_and_the_best_bid_at_the_reserve_wins() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.model import auctions as au

    end = datetime(2026, 12, 1, 12, tzinfo=UTC)
    five = timedelta(minutes=5)
    assert au.ends_after_bid(end, end - timedelta(minutes=6), five) == end
    assert au.ends_after_bid(end, end - timedelta(minutes=4), five) == end + five
    assert au.ends_after_bid(end, end - timedelta(minutes=4), timedelta(0)) == end
    bids = [au.Bid(1, 1, 10, 500, end), au.Bid(2, 1, 11, 700, end)]
    assert au.minimum_bid([], 100) == 1
    assert au.minimum_bid(bids, 100) == 800
    assert au.winner(bids, 700) == bids[1]
    assert au.winner(bids, 701) is None
    assert au.winner([], 0) is None


def test_skills_are_split_and_matched_loosely() -> None:
    from datetime import UTC, datetime

    from bot.model import agreements as ag

    assert ag.parse_skills("Spanish,  guitar; spanish ,Python") == ["Spanish", "guitar", "Python"]
    provider = ag.Provider(1, 1, 2, "tutor", "Spanish, guitar", 120, "", datetime.now(UTC))
    assert provider.offers("  SPANISH ") and not provider.offers("french")
    with pytest.raises(DomainError):
        ag.parse_skills(" , ;")


def test_a_skill_whose_folded_key_outgrows_the_limit_is_refused() -> None:
    from bot.model import agreements as ag

    # Forty ligatures fit in 80 characters, but fold to 120: the stored key must fit too.
    with pytest.raises(DomainError) as raised:
        ag.parse_skills("ﬃ" * 40)
    assert raised.value.code == "input.too_long"
    assert ag.parse_skills("ﬃ" * 26) == ["ﬃ" * 26]
