from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from adapters.app import App
from storage.tables import circles as circles_t
from tests.support import Community

PEOPLE = [("alice", "Bournemouth, UK"), ("bob", "Lagos, Nigeria"), ("carol", "Bournemouth, UK")]


async def test_a_circle_forms_and_becomes_active_with_two_contexts(community: Community) -> None:
    await community.people(*PEOPLE)
    created = await community.ok("alice", '!circle create spanish-a2 "Spanish at A2"')
    assert created.key == "circle.created"
    assert "first lead" in created.text
    await community.ok("carol", "!circle join spanish-a2")
    info = await community.ok("alice", "!circle info spanish-a2")
    assert "Status: forming" in info.text  # two members, one context
    joined = await community.ok("bob", "!circle join spanish-a2")
    assert (
        "place:general",
        "spanish-a2 is now active: 3 members from 2 contexts. Its events now count.",
    ) in joined.notices
    info = await community.ok("bob", "!circle info spanish-a2")
    assert "Status: active" in info.text
    assert "Members: 3/35 from 2 contexts" in info.text
    assert "Leads: alice" in info.text


async def test_a_full_circle_waitlists_and_admits_the_least_represented_context(
    community: Community,
) -> None:
    await community.people(
        *PEOPLE, ("dan", "Bournemouth, UK"), ("erin", "Lima, Peru"), ("femi", "Lagos, Nigeria")
    )
    await community.ok("alice", "!circle create tiny Tiny 3")
    await community.ok("bob", "!circle join tiny")
    await community.ok("carol", "!circle join tiny")
    first = await community.ok("dan", "!circle join tiny")
    assert first.key == "circle.waiting"
    assert "position 1" in first.text
    second = await community.ok("femi", "!circle join tiny")
    assert "position 2" in second.text
    third = await community.ok("erin", "!circle join tiny")
    assert "position 3" in third.text
    again = await community.say("erin", "!circle join tiny")
    assert again.key == "circle.already_waiting"
    assert "position 3" in again.text

    # The UK has two seats and Nigeria one; Peru has none, so erin goes first
    # although she queued last.
    left = await community.ok("carol", "!circle leave tiny")
    assert ("member:erin", "A place freed up in tiny, and it is yours: welcome!") in left.notices
    assert ("place:general", "erin joins tiny from the waiting list.") in left.notices
    info = await community.ok("alice", "!circle info tiny")
    assert "- erin (Lima, Peru)" in info.text
    assert "1 waiting" not in info.text and "2 waiting" in info.text

    # bob leaves, so Nigeria has nobody left: femi goes before dan, who waited longer.
    left = await community.ok("bob", "!circle leave tiny")
    assert ("member:femi", "A place freed up in tiny, and it is yours: welcome!") in left.notices
    # Now UK 1, Peru 1, Nigeria 1: dan (UK) is the only one waiting.
    left = await community.ok("erin", "!circle leave tiny")
    assert ("member:dan", "A place freed up in tiny, and it is yours: welcome!") in left.notices


async def test_leaving_the_waiting_list(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create tiny Tiny 3")
    await community.ok("bob", "!circle join tiny")
    await community.ok("carol", "!circle join tiny")
    await community.ok("dan", "!circle join tiny")
    left = await community.ok("dan", "!circle leave tiny")
    assert left.key == "circle.left_waiting"
    listed = await community.ok("dan", "!circle list")
    assert "tiny: Tiny (active, 3/3)" in listed.text


async def test_the_last_lead_cannot_leave(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    await community.ok("bob", "!circle join spanish-a2")
    refused = await community.say("alice", "!circle leave spanish-a2")
    assert refused.key == "circle.last_lead" and refused.private
    assert "circle lead spanish-a2 @member" in refused.text
    still = await community.ok("alice", "!circle info spanish-a2")
    assert "Leads: alice" in still.text and "Members: 2/35" in still.text

    not_lead = await community.say("bob", "!circle lead spanish-a2 @bob")
    assert not_lead.key == "circle.not_lead"
    await community.ok("alice", "!circle lead spanish-a2 @bob")
    left = await community.ok("alice", "!circle leave spanish-a2")
    assert left.key == "circle.left"
    info = await community.ok("bob", "!circle info spanish-a2")
    assert "Leads: bob" in info.text


async def test_archiving_lets_the_last_lead_go(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    archived = await community.ok("alice", "!circle archive spanish-a2")
    assert archived.key == "circle.archived"
    assert (await community.ok("alice", "!circle leave spanish-a2")).key == "circle.left"
    refused = await community.say("bob", "!circle join spanish-a2")
    assert refused.key == "circle.is_archived"
    assert (await community.ok("bob", "!circle list")).key == "circle.list_empty"


async def test_a_circle_that_loses_a_context_forms_again(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    await community.ok("carol", "!circle join spanish-a2")
    await community.ok("bob", "!circle join spanish-a2")
    left = await community.ok("bob", "!circle leave spanish-a2")
    assert any("forming again" in text for _, text in left.notices)
    assert "Status: forming" in (await community.ok("alice", "!circle info spanish-a2")).text


async def test_leads_only_from_members(community: Community) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    refused = await community.say("alice", "!circle lead spanish-a2 @bob")
    assert refused.key == "circle.lead_not_member"
    await community.ok("bob", "!circle join spanish-a2")
    await community.ok("alice", "!circle lead spanish-a2 @bob")
    again = await community.say("alice", "!circle lead spanish-a2 @bob")
    assert again.key == "circle.already_lead"


async def test_bad_circle_input_gets_a_clear_reply_and_changes_nothing(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    cases = {
        "!circle create Spanish_A2 Spanish": "input.name",
        "!circle create spanish-a2 Again": "circle.exists",
        "!circle create big Big 36": "circle.size_range",
        "!circle create small Small 2": "circle.size_range",
        "!circle create huge Huge 99999999999": "input.range",
        "!circle create many Many lots": "input.integer",
        "!circle create longtopic " + "x" * 130: "input.too_long",
        "!circle join nope": "circle.unknown",
        "!circle join ../../etc": "circle.unknown",
        "!circle join": "input.missing",
        "!circle info": "input.missing",
        "!circle join spanish-a2 extra": "input.extra",
        "!circle leave spanish-a2": "circle.not_member",
        "!circle lead spanish-a2 @nobody": "member.unknown",
        "!circle jion spanish-a2": "command.unknown",
    }
    before = (await community.ok("alice", "!circle list")).text
    for line, key in cases.items():
        said = await community.say("bob", line)
        assert said.key == key, (line, said.text)
        assert said.private, line
        assert "{" not in said.text, said.text  # every placeholder filled
    assert (await community.ok("alice", "!circle list")).text == before
    unknown = await community.say("bob", "!circle join nope")
    assert "`!circle list`" in unknown.text
    missing = await community.say("bob", "!circle join")
    assert "Usage: `!circle join <name>`" in missing.text


async def test_an_adapter_can_give_a_circle_a_place_of_its_own(
    community: Community, app: App
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    await community.ok("carol", "!circle join spanish-a2")
    moved = await app.core.set_circle_place(community.spec, "spanish-a2", "console", "spanish-room")
    assert moved is True
    joined = await community.ok("bob", "!circle join spanish-a2")
    places = {where for where, _ in joined.notices if where.startswith("place:")}
    assert places == {"place:spanish-room"}  # no longer where it was created
    unknown = await app.core.set_circle_place(community.spec, "nope", "console", "x")
    assert unknown is False


async def test_members_joining_at_once_never_overfill_a_circle(
    community: Community, app: App
) -> None:
    crowd = [(f"m{n}", ("Lagos, Nigeria", "Lima, Peru")[n % 2]) for n in range(8)]
    await community.people(("alice", "Bournemouth, UK"), *crowd)
    await community.ok("alice", "!circle create tiny Tiny 3")
    said = await asyncio.gather(*(community.ok(name, "!circle join tiny") for name, _ in crowd))
    assert sorted(s.key for s in said).count("circle.waiting") == 6
    async with app.engine.connect() as conn:
        seated = (
            await conn.execute(
                select(func.count())
                .select_from(circles_t.circle_seats)
                .where(circles_t.circle_seats.c.waiting.is_(False))
            )
        ).scalar_one()
    assert seated == 3


async def test_the_circle_list_comes_in_pages_without_archived_circles(
    community: Community,
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!admin settings page_size 2")
    for name in ("c-one", "c-two", "c-three", "c-four", "c-five", "c-old"):
        await community.ok("alice", f"!circle create {name} Topic")
    await community.ok("alice", "!circle archive c-old")
    first = await community.ok("bob", "!circle list")
    assert first.text.splitlines() == [
        "Circles (page 1):",
        "- c-five: Topic (forming, 1/35)",
        "- c-four: Topic (forming, 1/35)",
        "More: `!circle list 2`",
    ]
    second = await community.ok("bob", "!circle list 2")
    assert "- c-one" in second.text and "- c-three" in second.text
    assert "`!circle list 3`" in second.text
    last = await community.ok("bob", "!circle list page:3")
    assert last.text.splitlines() == ["Circles (page 3):", "- c-two: Topic (forming, 1/35)"]
    assert "c-old" not in first.text + second.text + last.text
    beyond = await community.say("bob", "!circle list 4")
    assert beyond.key == "page.past_end" and beyond.private
    assert "no page 4" in beyond.text and "`!circle list`" in beyond.text
    for bad, key in (("0", "input.range"), ("-1", "input.range"), ("two", "input.integer")):
        said = await community.say("bob", f"!circle list {bad}")
        assert said.key == key and said.outcome.refused, said.text
        assert "page" in said.text
    await community.ok("alice", "!admin settings page_size 15")
    whole = await community.ok("bob", "!circle list")
    assert whole.text.startswith("Circles:\n") and "More" not in whole.text
