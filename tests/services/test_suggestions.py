"""The core's read-only lookups for adapters: suggestions for half-typed arguments,
where to reach a member in public, the events a platform calendar mirrors, and the
`refused` mark on an outcome."""

from __future__ import annotations

from datetime import timedelta

from adapters.app import App
from bot.model.members import Actor
from tests.support import Community


def actor(name: str) -> Actor:
    return Actor("console", name, name)


async def values(community: Community, who: str, kind: str, typed: str) -> list[str]:
    found = await community.core.suggest(community.spec, actor(who), kind, typed)
    return [s.value for s in found]


async def circle_with_members(community: Community) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"), ("carol", "Peru"))
    await community.ok("alice", '!circle create spanish-a2 "Spanish at A2"')
    await community.ok("bob", "!circle join spanish-a2")
    await community.ok("carol", "!circle join spanish-a2")


async def number_of(community: Community, who: str, line: str) -> int:
    said = await community.ok(who, line)
    return int(said.outcome.reply.params["number"])


async def test_circle_suggestions_match_name_or_topic_and_skip_archived(
    community: Community,
) -> None:
    await circle_with_members(community)
    await community.ok("alice", "!circle create rust-club Rust")
    await community.ok("alice", "!circle create old-one Old")
    await community.ok("alice", "!circle archive old-one")
    assert await values(community, "bob", "circle", "") == ["rust-club", "spanish-a2"]
    assert await values(community, "bob", "circle", "SPAN") == ["spanish-a2"]
    assert await values(community, "bob", "circle", "a2") == ["spanish-a2"]
    assert await values(community, "nobody", "circle", "rust") == ["rust-club"]


async def test_event_suggestions_are_upcoming_or_the_exact_number(
    community: Community, app: App
) -> None:
    await circle_with_members(community)
    past = await number_of(
        community, "alice", '!event schedule spanish-a2 Early "2026-12-01 10:00" 1h'
    )
    later = await number_of(
        community, "alice", '!event schedule spanish-a2 Later "2026-12-08 10:00" 1h'
    )
    app.clock.advance(timedelta(days=1))
    assert await values(community, "bob", "event", "") == [str(later)]
    assert await values(community, "bob", "event", f"#{past}") == [str(past)]
    found = await community.core.suggest(community.spec, actor("bob"), "event", "late")
    assert [s.value for s in found] == [str(later)] and found[0].label.startswith(f"#{later} ")


async def test_request_suggestions_are_only_the_askers_own(community: Community) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"), ("carol", "Peru"))
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    request = await number_of(community, "bob", "!voucher redeem @alice 1 a lesson")
    assert await values(community, "bob", "request", "") == [str(request)]
    assert await values(community, "alice", "request", str(request)) == [str(request)]
    assert await values(community, "carol", "request", "") == []
    assert await values(community, "stranger", "request", "") == []


async def test_agreement_and_auction_suggestions(community: Community) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"), ("carol", "Peru"))
    await community.ok("carol", "!provider register python 1")
    agreement = await number_of(community, "bob", "!agreement propose @carol python @bob 1")
    assert await values(community, "bob", "agreement", "pyth") == [str(agreement)]
    assert await values(community, "carol", "agreement", "") == [str(agreement)]
    assert await values(community, "alice", "agreement", "") == []
    await community.ok("alice", "!voucher issue @bob 2 tutoring")
    auction = await number_of(community, "bob", '!auction open @alice 1 10 GBP "2026-12-03 18:00"')
    assert await values(community, "carol", "auction", "") == [str(auction)]
    assert await values(community, "carol", "nonsense", "") == []
    assert "circle_size" in await values(community, "carol", "setting", "circle")


async def test_the_fallback_place_is_the_named_circles_or_the_first(
    community: Community,
) -> None:
    await circle_with_members(community)
    core, spec = community.core, community.spec
    assert await core.fallback_place(spec, "console", "bob", "spanish-a2") == "general"
    assert await core.fallback_place(spec, "console", "bob", None) == "general"
    assert await core.fallback_place(spec, "console", "bob", "no-such") == "general"
    assert await core.fallback_place(spec, "discord", "bob", None) is None
    assert await core.fallback_place(spec, "console", "stranger", None) is None
    await community.ok("dave", "!profile show")
    assert await core.fallback_place(spec, "console", "dave", "spanish-a2") is None


async def test_events_to_mirror_are_upcoming_or_named(community: Community) -> None:
    await circle_with_members(community)
    first = await number_of(
        community, "alice", '!event schedule spanish-a2 Talk "2026-12-03 18:00" 90m where:Library'
    )
    second = await number_of(
        community, "alice", '!event schedule spanish-a2 Walk "2026-12-04 18:00" 1h'
    )
    await community.ok("alice", f"!event cancel {second}")
    upcoming = await community.core.events_to_mirror(community.spec)
    assert [(e.number, e.title, e.circle, e.location) for e in upcoming] == [
        (first, "Talk", "spanish-a2", "Library")
    ]
    assert (upcoming[0].ends_at - upcoming[0].starts_at).total_seconds() == 90 * 60
    [cancelled] = await community.core.events_to_mirror(community.spec, [second, 999])
    assert (cancelled.number, cancelled.status) == (second, "cancelled")


async def test_an_outcome_says_whether_the_command_was_refused(community: Community) -> None:
    refused = await community.say("alice", "!circle join nope")
    assert refused.outcome.refused
    done = await community.ok("alice", "!circle create yes Yes")
    assert not done.outcome.refused
    again = await community.say("alice", "!circle create yes Yes")
    assert again.outcome.refused
