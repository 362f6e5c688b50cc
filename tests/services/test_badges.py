"""Badges: automatic awards, lead awards, pathway, signed credentials; both engines."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from adapters.app import App
from bot.core import Call
from bot.model.members import Actor
from bot.rendering import Style, render
from storage.tables.badges import badge_awards, community_keys
from tests.services.test_events import active_circle
from tests.services.test_obligations import hold
from tests.support import Community, Said


async def verify(community: Community, text: str) -> Said:
    """As a chat platform passes an attached file: the text whole, not split into words."""
    call = Call(
        "badge verify",
        Actor("console", "carol", "carol"),
        next_key(),
        community.spec,
        {"credential": text},
    )
    outcome = await community.core.run(call)
    return Said(outcome, render(outcome.reply, Style()))


_keys = itertools.count(1)


def next_key() -> str:
    return f"verify-{next(_keys)}"


async def awards(app: App) -> int:
    async with app.engine.connect() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(badge_awards))).scalar_one()
        )


async def test_hosting_validated_events_earns_contributor_without_anyone_awarding(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    assert (await community.ok("alice", "!badge list")).key == "badge.none"
    await hold(community, app, ballots={"bob": True, "dan": True})
    listed = await community.ok("alice", "!badge list")
    assert "Contributor" in listed.text and "earned" in listed.text
    # Checked again after every change, but awarded only once.
    await community.ok("alice", "!profile set offers:spanish")
    assert (await community.ok("alice", "!badge list")).text.count("Contributor") == 1
    path = await community.ok("alice", "!pathway")
    assert "1 of 3" in path.text and "Contributor" in path.text


async def test_a_lead_awards_with_evidence_and_the_pathway_counts_it(
    community: Community, app: App
) -> None:
    await active_circle(community)
    said = await community.ok("alice", "!badge award @bob peer-reviewer Reviewed ten events")
    assert said.key == "badge.awarded"
    assert any(who == "member:bob" and "Reviewed ten events" in text for who, text in said.notices)
    assert "Peer reviewer" in (await community.ok("bob", "!badge list")).text
    assert "1 of 3" in (await community.ok("bob", "!pathway")).text


async def test_bad_awards_get_a_clear_reply_and_change_nothing(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.people(("zed", "Oslo, Norway"))
    await community.ok("alice", "!badge award @bob contributor Hosted well")
    before = await awards(app)
    unknown = await community.say("alice", "!badge award @bob astronaut Flew")
    assert unknown.key == "badge.unknown" and "participant" in unknown.text
    # Admins may award anyone; a lead only members of a circle they lead.
    await community.ok("bob", "!circle create tiny Tiny")
    outsider = await community.say("bob", "!badge award @zed contributor Hosted")
    assert outsider.key == "badge.not_your_member"
    nobody = await community.say("alice", "!badge award @nobody contributor Hosted")
    assert nobody.key == "member.unknown"
    again = await community.say("alice", "!badge award @bob contributor Again")
    assert again.key == "badge.already_held"
    not_lead = await community.say("carol", "!badge award @dan contributor Hosted")
    assert not_lead.key == "badge.not_your_member"
    assert await awards(app) == before


async def test_an_exported_credential_verifies_and_fails_after_one_changed_character(
    community: Community, app: App
) -> None:
    await active_circle(community)
    said = await community.ok("alice", "!badge award @bob contributor Hosted two events")
    number = said.outcome.reply.params["number"]
    exported = await community.ok("bob", f"!badge export {number}")
    assert exported.key == "badge.exported"
    (attachment,) = exported.outcome.reply.attachments
    text = attachment.data.decode()
    assert '"OpenBadgeCredential"' in text and "eddsa-rdfc-2022" in text
    checked = await verify(community, text)
    assert checked.key == "badge.valid"
    assert "Contributor" in checked.text and "bob" in checked.text
    tampered = await verify(community, text.replace("Hosted two", "Hosted ten"))
    assert tampered.key == "badge.invalid" and "changed after it was signed" in tampered.text
    garbage = await community.ok("carol", "!badge verify hello there")
    assert "not JSON" in garbage.text
    # The community's key is made once and reused.
    await community.ok("bob", f"!badge export {number}")
    async with app.engine.connect() as conn:
        keys = (await conn.execute(select(func.count()).select_from(community_keys))).scalar_one()
    assert keys == 1


async def test_exporting_a_badge_you_do_not_hold_is_refused(community: Community, app: App) -> None:
    await active_circle(community)
    said = await community.ok("alice", "!badge award @bob contributor Hosted")
    number = said.outcome.reply.params["number"]
    refused = await community.say("carol", f"!badge export {number}")
    assert refused.key == "badge.not_yours"
    missing = await community.say("carol", "!badge export 999")
    assert missing.key == "badge.not_yours"
    async with app.engine.connect() as conn:
        keys = (await conn.execute(select(func.count()).select_from(community_keys))).scalar_one()
    assert keys == 0
