"""Providers, learning agreements, escrow and assessment, on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.app import App
from tests.services.ledger_support import clean, held, outstanding, snapshot, totals
from tests.support import Community

PEOPLE = [
    ("alice", "Bournemouth, UK"),
    ("bob", "Bournemouth, UK"),
    ("carol", "Lagos, Nigeria"),
    ("tina", "Lima, Peru"),
    ("ava", "Quito, Ecuador"),
]


async def _setup(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!admin role @ava assessor")
    await community.ok(
        "tina", '!provider register "Spanish, guitar" 2 Money back if you are not conversational'
    )


async def _propose(community: Community, line: str = "") -> int:
    said = await community.ok("alice", line or '!agreement propose @tina spanish "@bob @carol" 2')
    return int(said.outcome.reply.params["number"])


async def test_escrow_then_pass_pays_the_provider_and_fail_refunds(
    community: Community, app: App
) -> None:
    await _setup(community)
    # carol pays with 2h of dan's hours that she holds.
    await community.people(("dan", "Accra, Ghana"))
    await community.ok("dan", "!voucher issue @carol 3 cooking")
    proposed = await community.ok("alice", '!agreement propose @tina spanish "@bob, @carol" 2')
    number = int(proposed.outcome.reply.params["number"])
    assert "alice, bob, carol to learn spanish from tina, 2h of vouchers each" in proposed.text
    assert "Waiting for bob, carol to confirm" in proposed.text
    assert {who for who, _ in proposed.notices} == {"member:bob", "member:carol", "member:tina"}
    early = await community.say("tina", f"!agreement accept {number}")
    assert early.key == "agreement.not_ready" and "bob, carol" in early.text
    await community.ok("bob", f"!agreement join {number}")
    joined = await community.ok("carol", f"!agreement join {number} from:@dan")
    assert "carol confirmed 2h of dan's hours" in joined.text
    assert any(who == "member:tina" and "Every learner" in text for who, text in joined.notices)

    accepted = await community.ok("tina", f"!agreement accept {number}")
    assert "3 bundles of 2h are in escrow" in accepted.text
    assert await outstanding(app, "alice") == 120  # her own hours, now in escrow
    assert await outstanding(app, "bob") == 120
    assert await held(app, "carol", "dan") == 60
    assert await totals(app, "carol", "dan", "escrow") == (0, 0, 0, 120)
    balance = await community.ok("carol", "!voucher balance")
    assert "- 2h of dan's hours in escrow for learning agreements" in balance.text
    again = await community.say("tina", f"!agreement accept {number}")
    assert again.key == "agreement.already_accepted"

    passed = await community.ok("ava", f"!assess {number} @alice pass held a conversation")
    assert "2h of alice's hours are released to tina" in passed.text
    assert {who for who, _ in passed.notices} == {"member:alice", "member:tina"}
    await community.ok("ava", f"!assess {number} @bob pass ordered dinner in Spanish")
    failed = await community.ok("ava", f"!assess {number} @carol fail could not introduce herself")
    assert "their 2h are refunded" in failed.text
    assert await held(app, "tina", "alice") == 120
    assert await held(app, "tina", "bob") == 120
    assert await held(app, "carol", "dan") == 180
    assert await totals(app, "carol", "dan", "escrow") == (0, 120, 0, 120)
    assert await outstanding(app, "dan") == 180

    info = await community.ok("bob", f"!agreement info {number}")
    assert "completed" in info.text
    assert "- alice: passed, released to the provider, paid in alice's hours, assessed by ava" in (
        info.text
    )
    assert "- carol: failed, refunded, paid in dan's hours" in info.text
    twice = await community.say("ava", f"!assess {number} @carol pass retake")
    assert twice.key == "assess.not_accepted"
    await clean(app)


async def test_acceptance_moves_every_bundle_or_none(community: Community, app: App) -> None:
    await _setup(community)
    number = await _propose(community)
    await community.ok("bob", f"!agreement join {number}")
    await community.ok("carol", f"!agreement join {number}")
    # After joining, carol issues her whole cap elsewhere: her bundle no longer fits.
    await community.ok("carol", "!voucher issue @ava 9 cooking")
    before = await snapshot(app)
    refused = await community.say("tina", f"!agreement accept {number}")
    assert refused.key == "voucher.over_cap_other"
    assert "carol's outstanding hours past their cap" in refused.text
    assert await snapshot(app) == before
    assert await outstanding(app, "alice") == 0
    # Once carol has room again, the same agreement goes through whole.
    await community.ok("ava", "!voucher give @carol @carol 1")
    await community.ok("tina", f"!agreement accept {number}")
    assert await outstanding(app, "alice") == await outstanding(app, "bob") == 120
    await clean(app)


async def test_assessors_are_independent(community: Community, app: App) -> None:
    await _setup(community)
    await community.ok("alice", "!admin role @bob assessor")
    await community.ok("alice", "!admin role @tina assessor")
    number = await _propose(community, "!agreement propose @tina guitar @bob 1h30m")
    await community.ok("bob", f"!agreement join {number}")
    early = await community.say("ava", f"!assess {number} @bob pass early")
    assert early.key == "assess.not_accepted"
    await community.ok("tina", f"!agreement accept {number}")
    before = await snapshot(app)
    cases = {
        ("bob", f"!assess {number} @alice pass my friend"): "assess.own_learner",
        ("tina", f"!assess {number} @alice pass my student"): "assess.own_provider",
        ("carol", f"!assess {number} @alice pass trust me"): "command.forbidden",
        ("ava", f"!assess {number} @carol pass not in it"): "assess.not_learner",
        ("ava", f"!assess {number} @alice maybe hmm"): "input.choice",
        ("ava", f"!assess {number} @alice pass"): "input.missing",
        ("ava", "!assess 999 @alice pass nope"): "agreement.unknown",
    }
    for (who, line), key in cases.items():
        said = await community.say(who, line)
        assert said.key == key, (line, said.text)
        assert said.private and "{" not in said.text
    assert await snapshot(app) == before
    await community.ok("ava", f"!assess {number} @alice pass played a song")
    again = await community.say("ava", f"!assess {number} @alice fail changed my mind")
    assert again.key == "assess.already"
    await clean(app)


async def test_bad_agreement_input_gets_a_clear_reply_and_changes_nothing(
    community: Community, app: App
) -> None:
    await _setup(community)
    number = await _propose(community)
    cases = {
        ("alice", '!agreement propose @bob spanish "@carol" 2'): "agreement.not_a_provider",
        ("alice", '!agreement propose @tina french "@carol" 2'): "agreement.skill_not_offered",
        ("tina", '!agreement propose @tina spanish "@carol" 2'): "agreement.self_provider",
        ("alice", '!agreement propose @tina spanish "@tina" 2'): "agreement.provider_learner",
        ("alice", '!agreement propose @tina spanish "@nobody" 2'): "member.unknown",
        ("alice", '!agreement propose @tina spanish "@bob" 20m'): "voucher.amount_step",
        ("alice", '!agreement propose @tina spanish "@bob" 0'): "voucher.amount_positive",
        ("alice", '!agreement propose @tina spanish "@bob" 11'): "voucher.over_cap",
        ("alice", '!agreement propose @tina spanish "@bob" 2 from:@carol'): "voucher.none_held",
        ("ava", f"!agreement join {number}"): "agreement.not_learner",
        ("alice", f"!agreement join {number}"): "agreement.already_joined",
        ("bob", f"!agreement accept {number}"): "agreement.not_their_provider",
        ("bob", f"!agreement decline {number}"): "agreement.not_their_provider",
        ("ava", "!agreement join 99"): "agreement.unknown",
        ("carol", f"!agreement info {number + 1}"): "agreement.unknown",
        ("ava", "!provider register spanish 20m"): "voucher.amount_step",
        ("ava", '!provider register "," 2'): "provider.no_skills",
        ("ava", "!provider register spanish 2 kind:wizard"): "input.choice",
    }
    before = await snapshot(app)
    for (who, line), key in cases.items():
        said = await community.say(who, line)
        assert said.key == key, (line, said.text)
        assert said.private and "{" not in said.text, said.text
    assert await snapshot(app) == before
    await community.people(("eve", "Oslo, Norway"))
    private = await community.say("eve", f"!agreement info {number}")
    assert private.key == "agreement.private"

    declined = await community.ok("tina", f"!agreement decline {number}")
    assert {who for who, _ in declined.notices} == {"member:alice", "member:bob", "member:carol"}
    late = await community.say("bob", f"!agreement join {number}")
    assert late.key == "agreement.not_open"
    await clean(app)


async def test_providers_list_and_update(community: Community) -> None:
    await _setup(community)
    await community.ok("bob", "!provider register python 1h30m kind:online")
    listed = await community.ok("carol", "!provider list")
    assert "- tina (tutor): Spanish, guitar; 2h per learner; guarantee: Money back" in listed.text
    assert "- bob (online): python; 1h30m per learner" in listed.text
    only = await community.ok("carol", "!provider list GUITAR")
    assert "bob" not in only.text and "tina" in only.text
    updated = await community.ok("bob", '!provider register "python, sql" 1')
    assert updated.key == "provider.updated"
    assert (await community.ok("carol", "!provider list french")).key == "provider.list_empty"
    mine = await community.ok("alice", "!agreement list")
    assert mine.key == "agreement.list_empty"


async def test_unassessed_escrow_is_refunded_after_escrow_days(
    community: Community, app: App
) -> None:
    await _setup(community)
    number = await _propose(community)
    await community.ok("bob", f"!agreement join {number}")
    await community.ok("carol", f"!agreement join {number}")
    await community.ok("tina", f"!agreement accept {number}")
    await community.ok("ava", f"!assess {number} @alice pass fluent")
    app.clock.advance(timedelta(days=89))
    await app.core.run_due()
    assert await outstanding(app, "bob") == 120
    app.clock.advance(timedelta(days=1, minutes=1))
    # Two workers at once: each bundle is refunded exactly once.
    results = await asyncio.gather(app.core.run_due(), app.core.run_due())
    notices = [n for batch in results for n in batch if n.reply.key.startswith("agreement.")]
    assert sorted(n.reply.key for n in notices) == [
        "agreement.expired_learner",
        "agreement.expired_learner",
        "agreement.expired_provider",
        "agreement.expired_provider",
    ]
    assert all(n.addresses for n in notices)
    assert await outstanding(app, "bob") == 0
    assert await outstanding(app, "carol") == 0
    assert await held(app, "tina", "alice") == 120
    await app.core.run_due()
    assert await outstanding(app, "bob") == 0
    info = await community.ok("alice", f"!agreement info {number}")
    assert "- bob: not assessed in time, refunded" in info.text
    late = await community.say("ava", f"!assess {number} @bob pass late")
    assert late.key == "assess.not_accepted"
    await clean(app)


async def test_escrow_days_is_a_setting(community: Community, app: App) -> None:
    await _setup(community)
    await community.ok("alice", "!admin settings escrow_days 10")
    number = await _propose(community, "!agreement propose @tina spanish me 1")
    accepted = await community.ok("tina", f"!agreement accept {number}")
    assert "Fri 11 Dec 2026" in accepted.text
    app.clock.advance(timedelta(days=10))
    await app.core.run_due()
    assert await outstanding(app, "alice") == 0
    await clean(app)


async def test_providers_come_in_pages_found_by_skill(community: Community) -> None:
    await _setup(community)
    await community.ok("bob", '!provider register "spanish, Photo  Captioning" 1')
    await community.ok("carol", '!provider register "photo captioning" 1')
    await community.ok("alice", "!admin settings page_size 1")
    first = await community.ok("ava", "!provider list")
    assert "- tina (tutor)" in first.text and "`!provider list page:2`" in first.text
    second = await community.ok("ava", "!provider list 2")
    assert "- bob (tutor)" in second.text and "`!provider list page:3`" in second.text
    third = await community.ok("ava", "!provider list page:3")
    assert "- carol (tutor)" in third.text and "More" not in third.text
    spanish = await community.ok("ava", "!provider list SPANISH")
    assert "- tina" in spanish.text and "`!provider list SPANISH 2`" in spanish.text
    assert "- bob" in (await community.ok("ava", "!provider list SPANISH 2")).text
    photo = await community.ok("ava", '!provider list "photo captioning"')
    assert "- bob" in photo.text and '`!provider list "photo captioning" 2`' in photo.text
    # A changed listing is found by its new skills only.
    await community.ok("bob", "!provider register sql 1")
    photo = await community.ok("ava", '!provider list "photo captioning"')
    assert "- carol" in photo.text and "More" not in photo.text
    beyond = await community.say("ava", "!provider list sql 2")
    assert beyond.key == "page.past_end" and "`!provider list sql`" in beyond.text


async def test_my_agreements_come_in_pages(community: Community) -> None:
    await _setup(community)
    await community.ok("alice", "!admin settings page_size 1")
    one = await _propose(community)
    two = await _propose(community, '!agreement propose @tina guitar "@bob" 1')
    mine = await community.ok("bob", "!agreement list")
    assert f"#{one}:" in mine.text and f"#{two}:" not in mine.text
    assert "`!agreement list 2`" in mine.text
    later = await community.ok("bob", "!agreement list 2")
    assert f"#{two}:" in later.text and "More" not in later.text
    taught = await community.ok("tina", "!agreement list 2")
    assert f"#{two}:" in taught.text
