"""Concurrent members on one holding and concurrent copies of one command.

Written for PostgreSQL, where transactions really run side by side (READ
COMMITTED, row locks); SQLite serialises writers, so it runs there too as a
check that the same code is correct under its locking.
"""

from __future__ import annotations

import asyncio

from adapters.app import App
from tests.services.ledger_support import clean, held, outstanding
from tests.support import Community


async def test_fifty_concurrent_gives_never_overdraw_a_holding(
    community: Community, app: App
) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"))
    receivers = [f"r{i}" for i in range(10)]
    for name in receivers:
        await community.ok(name, "!profile show")
    await community.ok("alice", "!voucher issue @bob 10 tutoring")
    # 50 gives of 15m each, 12h30m in all, from a holding of 10h.
    results = await asyncio.gather(
        *(community.say("bob", f"!voucher give @{receivers[i % 10]} @alice 15m") for i in range(50))
    )
    keys = [r.key for r in results]
    # Once the holding is empty, the refusal says so.
    assert set(keys) <= {"voucher.given", "voucher.not_enough", "voucher.none_held"}, keys
    assert keys.count("voucher.given") == 40
    assert await held(app, "bob", "alice") == 0
    assert sum([await held(app, name, "alice") for name in receivers]) == 600
    assert await outstanding(app, "alice") == 600
    await clean(app)


async def test_fifty_concurrent_copies_of_one_key_have_one_effect(
    community: Community, app: App
) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"), ("carol", "Peru"))
    await community.ok("alice", "!voucher issue @bob 10 tutoring")
    results = await asyncio.gather(
        *(
            community.say("bob", "!voucher give @carol @alice 1h15m", key="same-give")
            for _ in range(50)
        )
    )
    assert {r.key for r in results} == {"voucher.given"}
    assert {r.text for r in results} == {results[0].text}
    assert sum(not r.outcome.replayed for r in results) == 1
    assert await held(app, "carol", "alice") == 75
    assert await held(app, "bob", "alice") == 600 - 75
    await clean(app)


async def test_concurrent_issues_never_pass_the_cap(community: Community, app: App) -> None:
    await community.people(("alice", "UK"))
    names = [f"h{i}" for i in range(8)]
    for name in names:
        await community.ok(name, "!profile show")
    results = await asyncio.gather(
        *(community.say("alice", f"!voucher issue @{names[i % 8]} 30m help") for i in range(30))
    )
    assert [r.key for r in results].count("voucher.issued") == 20
    assert await outstanding(app, "alice") == 600
    await clean(app)


async def test_concurrent_redemption_answers_settle_once(community: Community, app: App) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"))
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    number = (await community.ok("bob", "!voucher redeem @alice 2 essay")).outcome.reply.params[
        "number"
    ]
    # The holder withdraws while the issuer declines: exactly one of them wins.
    results = await asyncio.gather(
        *(
            community.say(who, f"!voucher {verb} {number}")
            for who, verb in [("bob", "cancel"), ("alice", "decline")] * 5
        )
    )
    done = [r.key for r in results if r.key in ("redeem.cancelled", "redeem.declined")]
    assert len(done) == 1, [r.key for r in results]
    assert await held(app, "bob", "alice") == 120
    await clean(app)
